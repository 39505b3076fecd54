package dev.laststate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A run's context reaches what asks for it in its constructor, and only that; nothing is looked up. */
class RunFactoryTest {

    private final RunContext context = new RunContext(Map.of("LASTSTATE_X", "1"),
            Interruptions.none(new PrintWriter(new StringWriter())));

    static final class AsksForTheRun {
        final RunContext run;

        AsksForTheRun(RunContext run) {
            this.run = run;
        }
    }

    static final class AsksForNothing {
        AsksForNothing() {}
    }

    @Test
    void aClassThatTakesTheRunContextIsGivenThisRunsOne() throws Exception {
        assertThat(new RunFactory(context).create(AsksForTheRun.class).run).isSameAs(context);
    }

    @Test
    void anyOtherClassIsCreatedAsPicocliWould() throws Exception {
        assertThat(new RunFactory(context).create(AsksForNothing.class)).isNotNull();
    }
}
