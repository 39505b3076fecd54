package dev.laststate.tck;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.Optional;
import java.util.function.BiFunction;
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
     * What a condition gated by {@code type} says: enabled for a test without the annotation, disabled for one on an
     * instance that is no {@link TckSupport}, and otherwise what {@code decide} says of the annotation and the instance.
     *
     * @param gate what the gate needs, for the message of a test on no TCK
     */
    static <A extends Annotation> ConditionEvaluationResult evaluate(ExtensionContext context, Class<A> type, String gate,
                                                                      BiFunction<A, TckSupport, ConditionEvaluationResult> decide) {
        Optional<A> annotation = gate(context, type);
        if (annotation.isEmpty()) {
            return ConditionEvaluationResult.enabled("not gated by @" + type.getSimpleName());
        }
        Optional<TckSupport> tck = tck(context);
        if (tck.isEmpty()) {
            return notATck(context, gate);
        }
        return decide.apply(annotation.get(), tck.get());
    }

    /** The result for a gated test on an instance that is no {@link TckSupport}. */
    static ConditionEvaluationResult notATck(ExtensionContext context, String gate) {
        return ConditionEvaluationResult.disabled(gate + ", but " + context.getRequiredTestClass().getName()
                + " is not a TckSupport that names its store and fixture");
    }
}
