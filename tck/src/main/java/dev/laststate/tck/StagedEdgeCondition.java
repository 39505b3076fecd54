package dev.laststate.tck;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Disables tests of an edge the running fixture cannot stage, visibly, with the reason. */
final class StagedEdgeCondition implements ExecutionCondition {

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        return TckConditions.evaluate(context, RequiresStaged.class, "needs no staged edge",
                required -> "needs the fixture to stage " + required.value(), StagedEdgeCondition::decide);
    }

    private static ConditionEvaluationResult decide(RequiresStaged required, TckSupport tck) {
        StagedEdge edge = required.value();
        return edge.stagedBy(tck.fixture())
                ? ConditionEvaluationResult.enabled("the fixture stages " + edge)
                : ConditionEvaluationResult.disabled("the fixture cannot stage " + edge + " (see StoreFixture for how a fixture declares it)");
    }
}
