package dev.laststate.tck;

import dev.laststate.store.Capability;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Disables capability-gated tests visibly, with the reason, based on the running fixture. */
final class CapabilityCondition implements ExecutionCondition {

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        RequiresCapability required = TckConditions.gate(context, RequiresCapability.class).orElse(null);
        RequiresMissingCapability missing = TckConditions.gate(context, RequiresMissingCapability.class).orElse(null);
        if (required == null && missing == null) {
            return ConditionEvaluationResult.enabled("not capability-gated");
        }
        Optional<TckSupport> found = TckConditions.tck(context);
        if (found.isEmpty()) {
            return TckConditions.notATck(context, "capability-gated");
        }
        TckSupport tck = found.get();
        if (required != null) {
            for (Capability capability : required.value()) {
                if (!tck.supports(capability)) {
                    String narrowed = tck.fixture().narrowedCapabilities().get(capability);
                    return ConditionEvaluationResult.disabled(narrowed == null
                            ? "the store does not declare " + capability
                            : "the fixture cannot prove " + capability + ": " + narrowed);
                }
            }
            return ConditionEvaluationResult.enabled("the store declares " + Arrays.toString(required.value()));
        }
        if (missing != null) {
            Capability capability = missing.value();
            if (tck.store().capabilities().contains(capability)) {
                return ConditionEvaluationResult.disabled("the store declares " + capability
                        + ", so this check of its refusal does not apply");
            }
            return ConditionEvaluationResult.enabled("the store does not declare " + capability);
        }
        return ConditionEvaluationResult.enabled("not capability-gated");
    }
}
