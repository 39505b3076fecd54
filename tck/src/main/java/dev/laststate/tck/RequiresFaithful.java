package dev.laststate.tck;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The test needs the environment to reproduce these behaviours of real storage; where the fixture declares
 * one of them as an {@link EmulatorGap}, the test shows as disabled with the fixture's reason.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(EmulatorGapCondition.class)
public @interface RequiresFaithful {
    EmulatorGap[] value();
}
