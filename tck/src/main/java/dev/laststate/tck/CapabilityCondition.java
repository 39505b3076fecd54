package dev.laststate.tck;

import dev.laststate.store.Capability;
import java.lang.reflect.Method;
import java.util.Optional;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Disables capability-gated tests visibly, with the reason, based on the running fixture. */
final class CapabilityCondition implements ExecutionCondition {

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        Optional<Method> method = context.getTestMethod();
        Optional<Object> instance = context.getTestInstance();
        if (method.isEmpty() || instance.isEmpty() || !(instance.get() instanceof CheckpointStoreTck tck)) {
            return ConditionEvaluationResult.enabled("not a TCK test method");
        }
        RequiresCapability required = method.get().getAnnotation(RequiresCapability.class);
        if (required != null) {
            for (Capability capability : required.value()) {
                if (!tck.store().capabilities().contains(capability)) {
                    return ConditionEvaluationResult.disabled("the store does not declare " + capability);
                }
                String narrowed = tck.fixture().narrowedCapabilities().get(capability);
                if (narrowed != null) {
                    return ConditionEvaluationResult.disabled("the fixture cannot prove " + capability + ": " + narrowed);
                }
            }
            return ConditionEvaluationResult.enabled("the store declares " + java.util.Arrays.toString(required.value()));
        }
        RequiresMissingCapability missing = method.get().getAnnotation(RequiresMissingCapability.class);
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
