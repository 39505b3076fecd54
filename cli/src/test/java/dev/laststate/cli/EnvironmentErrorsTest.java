package dev.laststate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A bad value from the environment names the variable, which is where the user must look, not the flag. */
class EnvironmentErrorsTest {

    @TempDir
    Path dir;

    @Test
    void aBooleanNamesItsVariable() {
        assertUsage(Map.of("LASTSTATE_DRY_RUN", "yes"), "laststate: LASTSTATE_DRY_RUN: 'yes' is not a boolean (true or false)");
    }

    @Test
    void aNumberNamesItsVariable() {
        assertUsage(Map.of("LASTSTATE_COPY_CONCURRENCY", "many"), "laststate: LASTSTATE_COPY_CONCURRENCY: 'many' is not a whole number");
    }

    @Test
    void aWordOfASetNamesItsVariable() {
        assertUsage(Map.of("LASTSTATE_MODE", "link"), "laststate: LASTSTATE_MODE: 'link' is not one of copy, pointer");
    }

    @Test
    void aDurationNamesItsVariable() {
        assertUsage(Map.of("LASTSTATE_PROGRESS_INTERVAL", "soon"), "laststate: LASTSTATE_PROGRESS_INTERVAL: soon is not a positive duration");
    }

    @Test
    void aTypedFlagOverridesTheVariableAndIsNamedItself() {
        Cli.Run run = Cli.run(Map.of("LASTSTATE_PROGRESS_INTERVAL", "5s"), "promote", "--store", dir.toString(),
                "--progress-interval", "soon");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.errLines()).singleElement().asString().startsWith("laststate: --progress-interval soon is not");
    }

    @Test
    void aGoodValueStillWorks() {
        Cli.Run run = Cli.run(Map.of("LASTSTATE_DRY_RUN", "TRUE", "LASTSTATE_MODE", "Pointer"), "promote", "--store", dir.toString());

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.UNKNOWN_TARGET); // parsed and run: nothing laststate knows in an empty directory
    }

    private void assertUsage(Map<String, String> env, String start) {
        Cli.Run run = Cli.run(env, "promote", "--store", dir.toString());

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.errLines()).singleElement().asString().startsWith(start);
    }
}
