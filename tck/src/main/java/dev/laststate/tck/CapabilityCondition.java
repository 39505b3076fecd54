package dev.laststate.tck;

import dev.laststate.store.Capability;
import java.lang.reflect.Method;
import java.util.Arrays;
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
        if (method.isEmpty()) {
            return ConditionEvaluationResult.enabled("not a test method");
        }
        RequiresCapability required = method.get().getAnnotation(RequiresCapability.class);
        RequiresMissingCapability missing = method.get().getAnnotation(RequiresMissingCapability.class);
        if (required == null && missing == null) {
            return ConditionEvaluationResult.enabled("not capability-gated");
        }
        // A gated test runs only where the store and its fixture can be asked: never by default.
        if (instance.isEmpty() || !(instance.get() instanceof TckSupport tck)) {
            return ConditionEvaluationResult.disabled("capability-gated, but " + context.getRequiredTestClass().getName()
                    + " is not a TckSupport that names its store and fixture");
        }
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
