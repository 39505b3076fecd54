package dev.laststate.tck;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The test needs the fixture to stage this edge; where it cannot (the file store has no containers, an
 * emulator refuses the name), the test shows as disabled with that reason.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(StagedEdgeCondition.class)
public @interface RequiresStaged {
    StagedEdge value();
}
