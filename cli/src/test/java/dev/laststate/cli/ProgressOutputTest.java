package dev.laststate.cli;

import static dev.laststate.tck.CheckpointTree.JOB;
import static org.assertj.core.api.Assertions.assertThat;

import dev.laststate.tck.CheckpointTree;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A copy that lasts longer than the progress interval shows lines on stderr when it is no terminal; none with --quiet. */
class ProgressOutputTest {

    private static final int STATE_FILES = 600;

    @TempDir
    Path dir;

    @Test
    void aLongCopyPrintsProgressLinesToStderr() throws Exception {
        CheckpointTree.inDirectory(dir).checkpoint(JOB, 14, STATE_FILES);

        Cli.Run run = Cli.succeeds("promote", "--store", dir.toString(), "--copy-concurrency", "1",
                "--progress-interval", "20ms");

        // One file a few hundred microseconds at the least (each copy is synced): far longer than 20 ms in all.
        assertThat(run.errLines()).isNotEmpty().allSatisfy(line -> assertThat(line).matches(
                "laststate: copying checkpoint 14: \\d+ of " + STATE_FILES + " files, .+ of .+, .+/s, .+"));
        assertThat(run.outLines()).singleElement().asString().startsWith("PROMOTED checkpoint 14");
    }

    @Test
    void quietPrintsNoProgress() throws Exception {
        CheckpointTree.inDirectory(dir).checkpoint(JOB, 14, STATE_FILES);

        Cli.Run run = Cli.succeeds("promote", "--store", dir.toString(), "--copy-concurrency", "1",
                "--progress-interval", "20ms", "--quiet");

        assertThat(run.err()).isEmpty();
        assertThat(run.outLines()).singleElement().asString().startsWith("PROMOTED checkpoint 14");
    }

    @Test
    void aShortCopyPrintsNothing() throws Exception {
        CheckpointTree.inDirectory(dir).standard();

        Cli.Run run = Cli.succeeds("promote", "--store", dir.toString());

        assertThat(run.err()).isEmpty();
    }

    @Test
    void aBadIntervalIsUsage() throws Exception {
        Cli.Run run = Cli.run("promote", "--store", dir.toString(), "--progress-interval", "often");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.errLines()).singleElement().asString()
                .startsWith("laststate: --progress-interval often is not a positive duration");
    }
}
