package dev.laststate.tck;

import java.lang.reflect.Method;
import java.util.Optional;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Disables tests that need a behaviour the running fixture's environment lacks, visibly, with the reason. */
final class EmulatorGapCondition implements ExecutionCondition {

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        Optional<Method> method = context.getTestMethod();
        Optional<Object> instance = context.getTestInstance();
        if (method.isEmpty()) {
            return ConditionEvaluationResult.enabled("not a test method");
        }
        RequiresFaithful required = method.get().getAnnotation(RequiresFaithful.class);
        if (required == null) {
            return ConditionEvaluationResult.enabled("needs nothing of the environment");
        }
        if (instance.isEmpty() || !(instance.get() instanceof TckSupport tck)) {
            return ConditionEvaluationResult.disabled("needs a faithful environment, but " + context.getRequiredTestClass().getName()
                    + " is not a TckSupport that names its fixture");
        }
        for (EmulatorGap gap : required.value()) {
            String reason = tck.fixture().emulatorGaps().get(gap);
            if (reason != null) {
                return ConditionEvaluationResult.disabled("the fixture's environment lacks " + gap + ": " + reason);
            }
        }
        return ConditionEvaluationResult.enabled("the environment reproduces " + java.util.Arrays.toString(required.value()));
    }
}
