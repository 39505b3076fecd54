package dev.laststate.tck;

import java.util.Arrays;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Disables tests that need a behaviour the running fixture's environment lacks, visibly, with the reason. */
final class EmulatorGapCondition implements ExecutionCondition {

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        return TckConditions.evaluate(context, RequiresFaithful.class, "needs nothing of the environment",
                required -> "needs a faithful environment", EmulatorGapCondition::decide);
    }

    private static ConditionEvaluationResult decide(RequiresFaithful required, TckSupport tck) {
        for (EmulatorGap gap : required.value()) {
            String reason = tck.fixture().emulatorGaps().get(gap);
            if (reason != null) {
                return ConditionEvaluationResult.disabled("the fixture's environment lacks " + gap + ": " + reason);
            }
        }
        return ConditionEvaluationResult.enabled("the environment reproduces " + Arrays.toString(required.value()));
    }
}
