package dev.laststate.tck;

import java.util.Optional;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Disables tests of an edge the running fixture cannot stage, visibly, with the reason. */
final class StagedEdgeCondition implements ExecutionCondition {

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        Optional<RequiresStaged> required = TckConditions.gate(context, RequiresStaged.class);
        if (required.isEmpty()) {
            return ConditionEvaluationResult.enabled("needs no staged edge");
        }
        StagedEdge edge = required.get().value();
        Optional<TckSupport> tck = TckConditions.tck(context);
        if (tck.isEmpty()) {
            return TckConditions.notATck(context, "needs the fixture to stage " + edge);
        }
        return edge.stagedBy(tck.get().fixture())
                ? ConditionEvaluationResult.enabled("the fixture stages " + edge)
                : ConditionEvaluationResult.disabled("the fixture cannot stage " + edge + " (see StoreFixture for how a fixture declares it)");
    }
}
