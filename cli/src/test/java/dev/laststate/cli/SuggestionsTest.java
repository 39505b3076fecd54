package dev.laststate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A mistyped flag or command: one line saying what is wrong, one suggesting what was meant, exit 2. */
class SuggestionsTest {

    @Test
    void aMistypedFlag() {
        Cli.Run run = Cli.run("promote", "--stroe", "/x");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.errLines()).hasSize(2);
        assertThat(run.errLines().get(0)).startsWith("laststate: Unknown option").contains("'--stroe'");
        assertThat(run.errLines().get(1)).startsWith("laststate: did you mean --store").endsWith("?");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void aMistypedCommand() {
        Cli.Run run = Cli.run("promot", "--store", "/x");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.errLines()).containsExactly(
                "laststate: unknown command 'promot' (see 'laststate --help')",
                "laststate: did you mean promote?");
    }

    @Test
    void nothingLikeAnyFlagIsOneLine() {
        Cli.Run run = Cli.run("status", "--zzzzzzzz");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.errLines()).singleElement().asString().startsWith("laststate: Unknown option: '--zzzzzzzz'");
    }
}
