package dev.laststate.tck;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The test needs the store to declare {@link dev.laststate.store.CheckpointStore#nameLimits()} ({@code true}),
 * or, for its twin, to declare none ({@code false}); elsewhere it shows as disabled with the reason.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(NameLimitsCondition.class)
public @interface RequiresNameLimits {
    boolean value() default true;
}
