package dev.laststate.tck;

import java.util.Optional;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Runs the tests of declared name limits where the store declares some, and their twin where it declares none. */
final class NameLimitsCondition implements ExecutionCondition {

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        Optional<RequiresNameLimits> gate = TckConditions.gate(context, RequiresNameLimits.class);
        if (gate.isEmpty()) {
            return ConditionEvaluationResult.enabled("needs no name limits");
        }
        Optional<TckSupport> tck = TckConditions.tck(context);
        if (tck.isEmpty()) {
            return TckConditions.notATck(context, "needs the store's name limits");
        }
        boolean declares = !tck.get().store().nameLimits().isEmpty();
        if (declares == gate.get().value()) {
            return ConditionEvaluationResult.enabled(declares ? "the store declares " + tck.get().store().nameLimits()
                    : "the store declares no name limits");
        }
        return ConditionEvaluationResult.disabled(declares
                ? "the store declares name limits " + tck.get().store().nameLimits() + ", so this check of a store without them does not apply"
                : "the store declares no name limits: it holds every name a location can");
    }
}
