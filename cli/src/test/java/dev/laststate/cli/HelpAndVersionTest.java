package dev.laststate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HelpAndVersionTest {

    @Test
    void helpListsTheCommandsAndTheExitCodes() {
        Cli.Run run = Cli.run("--help");

        assertThat(run.exitCode()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(run.out()).contains("Usage: laststate", "promote", "list", "status", "resolve", "Exit codes:");
        for (int code = 0; code <= 6; code++) {
            assertThat(run.out()).containsPattern("(?m)^  " + code + " +\\S");
        }
        assertThat(run.out()).doesNotContain("${");
    }

    @Test
    void promoteHelpListsEveryFlag() {
        Cli.Run run = Cli.run("promote", "--help");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("--store=URI", "--savepoints=URI", "--target=URI", "--job-id=HEX",
                "--mode=copy|pointer", "--dry-run", "--force", "--allow-fresh-start", "--copy-concurrency=N",
                "--output=text|json", "-o, --option=KEY=VALUE", "LASTSTATE_STORE", "Exit codes:");
    }

    @Test
    void versionPrintsTheProjectVersion() {
        for (String[] args : new String[][] {{"--version"}, {"-V"}, {"status", "--version"}}) {
            Cli.Run run = Cli.run(args);

            assertThat(run.exitCode()).isZero();
            assertThat(run.outLines()).singleElement().asString().matches("laststate (dev|\\d+\\.\\d+.*)");
        }
    }

    @Test
    void exitCodesAreStable() {
        assertThat(new int[] {ExitCodes.OK, ExitCodes.INTERNAL_ERROR, ExitCodes.USAGE, ExitCodes.NOTHING_TO_PROMOTE,
                ExitCodes.STORE_FAILURE, ExitCodes.REFUSED, ExitCodes.VERIFICATION_FAILED, ExitCodes.UNPROMOTABLE_SNAPSHOT, ExitCodes.UNKNOWN_TARGET})
                .containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8);
        assertThat(ExitCodes.descriptions()).containsOnlyKeys("0", "1", "2", "3", "4", "5", "6", "7", "8", "130, 143");
    }
}
