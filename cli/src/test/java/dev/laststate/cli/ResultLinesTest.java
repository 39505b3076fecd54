package dev.laststate.cli;

import static dev.laststate.tck.CheckpointTree.JOB;
import static org.assertj.core.api.Assertions.assertThat;

import dev.laststate.flink.FlinkLayout;
import dev.laststate.tck.CheckpointTree;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each fact once: the snapshot once a line, a refusal's reason once, an inconsistent target in the exit code. */
class ResultLinesTest {

    @TempDir
    Path dir;

    @Test
    void aDryRunNamesTheSnapshotOnce() throws Exception {
        CheckpointTree.inDirectory(dir).standard();

        Cli.Run run = Cli.succeeds("promote", "--store", dir.toString(), "--dry-run");

        assertThat(run.outLines()).singleElement().asString().startsWith("DRY_RUN checkpoint 12 of job " + JOB)
                .endsWith(": would promote it; nothing written");
        assertOnce(run.out(), "checkpoint 12");
    }

    @Test
    void anUnchangedRunNamesTheSnapshotOnce() throws Exception {
        CheckpointTree.inDirectory(dir).standard();
        Cli.succeeds("promote", "--store", dir.toString());

        Cli.Run run = Cli.succeeds("promote", "--store", dir.toString());

        assertThat(run.outLines()).singleElement().asString().startsWith("UNCHANGED checkpoint 12 of job " + JOB)
                .endsWith(": the target holds it already");
        assertOnce(run.out(), "checkpoint 12");
    }

    @Test
    void aRefusalsReasonIsPrintedOnce() throws Exception {
        CheckpointTree tree = CheckpointTree.inDirectory(dir).standard();
        LocalFiles.write(tree.lastState().toLocalPath().resolve(FlinkLayout.POINTER_RECORD), "garbage".getBytes());

        Cli.Run run = Cli.run("promote", "--store", dir.toString());

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.REFUSED);
        assertThat(run.errLines()).singleElement().asString().startsWith("laststate: refused: ");
        String reason = run.errLines().get(0).substring("laststate: refused: ".length());
        assertThat(run.outLines()).singleElement().asString().startsWith("REFUSED checkpoint 12").doesNotContain(reason)
                .endsWith("refused (the reason is on stderr)");
    }

    @Test
    void statusOfAnInconsistentTargetExitsFive() throws Exception {
        CheckpointTree tree = CheckpointTree.inDirectory(dir).standard();
        Cli.succeeds("promote", "--store", dir.toString());
        // Another _metadata than the record describes: as between a commit and its record.
        LocalFiles.write(tree.lastState().toLocalPath().resolve(FlinkLayout.METADATA), CheckpointTree.metadata(JOB, 14));

        Cli.Run run = Cli.run("status", "--store", dir.toString());

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.REFUSED);
        assertThat(run.out()).contains("consistent:    no");
        assertThat(run.errLines()).singleElement().asString().startsWith("laststate: inconsistent: ");
    }

    @Test
    void statusOfAConsistentTargetExitsZero() throws Exception {
        CheckpointTree.inDirectory(dir).standard();
        Cli.succeeds("promote", "--store", dir.toString());

        Cli.Run run = Cli.succeeds("status", "--store", dir.toString());

        assertThat(run.out()).contains("consistent:    yes");
        assertThat(run.err()).isEmpty();
    }

    private static void assertOnce(String text, String what) {
        assertThat(text.split(java.util.regex.Pattern.quote(what), -1)).as(text).hasSize(2);
    }
}
