package dev.laststate.tck;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExtensionContext;

/** What the TCK's execution conditions share: the gate annotation of a test, and the TCK instance to ask. */
final class TckConditions {

    private TckConditions() {}

    /** The test method's annotation of {@code type}, if it is a test method that has one. */
    static <A extends Annotation> Optional<A> gate(ExtensionContext context, Class<A> type) {
        return context.getTestMethod().map((Method method) -> method.getAnnotation(type));
    }

    /**
     * The instance that names the store and fixture; a gated test runs only where they can be asked, never by
     * default.
     *
     * @return the instance, empty when the test instance is no {@link TckSupport}
     */
    static Optional<TckSupport> tck(ExtensionContext context) {
        return context.getTestInstance().filter(TckSupport.class::isInstance).map(TckSupport.class::cast);
    }

    /**
     * How a condition with one gate decides: a test without the gate is enabled ({@code ungated} says why), a
     * gated one on an instance that is no {@link TckSupport} is disabled ({@code needs} says what the gate
     * needs), and otherwise {@code decide} asks the gate and the instance.
     */
    static <A extends Annotation> ConditionEvaluationResult evaluate(ExtensionContext context, Class<A> type, String ungated,
            Function<A, String> needs, BiFunction<A, TckSupport, ConditionEvaluationResult> decide) {
        Optional<A> gate = gate(context, type);
        if (gate.isEmpty()) {
            return ConditionEvaluationResult.enabled(ungated);
        }
        Optional<TckSupport> tck = tck(context);
        if (tck.isEmpty()) {
            return notATck(context, needs.apply(gate.get()));
        }
        return decide.apply(gate.get(), tck.get());
    }

    /** The result for a gated test on an instance that is no {@link TckSupport}. */
    static ConditionEvaluationResult notATck(ExtensionContext context, String gate) {
        return ConditionEvaluationResult.disabled(gate + ", but " + context.getRequiredTestClass().getName()
                + " is not a TckSupport that names its store and fixture");
    }
}
