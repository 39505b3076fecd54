package dev.laststate.tck;

import java.util.List;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Runs the tests of declared name limits where the store declares some, and their twin where it declares none. */
final class NameLimitsCondition implements ExecutionCondition {

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        return TckConditions.evaluate(context, RequiresNameLimits.class, "needs the store's name limits", (required, tck) -> {
            List<?> limits = tck.store().nameLimits();
            if (limits.isEmpty() != required.value()) {
                return ConditionEvaluationResult.enabled(limits.isEmpty() ? "the store declares no name limits" : "the store declares " + limits);
            }
            return ConditionEvaluationResult.disabled(limits.isEmpty()
                    ? "the store declares no name limits: it holds every name a location can"
                    : "the store declares name limits " + limits + ", so this check of a store without them does not apply");
        });
    }
}
