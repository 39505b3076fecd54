package dev.laststate.tck;

import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Disables tests that need a behaviour the running fixture's environment lacks, visibly, with the reason. */
final class EmulatorGapCondition implements ExecutionCondition {

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        Optional<RequiresFaithful> gate = TckConditions.gate(context, RequiresFaithful.class);
        if (gate.isEmpty()) {
            return ConditionEvaluationResult.enabled("needs nothing of the environment");
        }
        Optional<TckSupport> found = TckConditions.tck(context);
        if (found.isEmpty()) {
            return TckConditions.notATck(context, "needs a faithful environment");
        }
        RequiresFaithful required = gate.get();
        TckSupport tck = found.get();
        for (EmulatorGap gap : required.value()) {
            String reason = tck.fixture().emulatorGaps().get(gap);
            if (reason != null) {
                return ConditionEvaluationResult.disabled("the fixture's environment lacks " + gap + ": " + reason);
            }
        }
        return ConditionEvaluationResult.enabled("the environment reproduces " + Arrays.toString(required.value()));
    }
}
