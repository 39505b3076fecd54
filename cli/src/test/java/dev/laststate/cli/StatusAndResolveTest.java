package dev.laststate.cli;

import static dev.laststate.cli.LocalFiles.fingerprint;
import static dev.laststate.cli.LocalFiles.uriOf;
import static dev.laststate.tck.CheckpointTree.JOB;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.laststate.flink.FlinkLayout;
import dev.laststate.tck.CheckpointTree;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StatusAndResolveTest {

    @TempDir
    Path dir;

    @Test
    void statusShowsThePromotedCheckpoint() throws Exception {
        CheckpointTree tree = CheckpointTree.inDirectory(dir).standard();
        Cli.succeeds("promote", "--store", dir.toString());

        Cli.Run run = Cli.succeeds("status", "--store", dir.toString());

        assertThat(run.err()).isEmpty();
        assertThat(run.outLines()).contains(
                "target:        " + uriOf(tree.lastState().toLocalPath()),
                "job id:        " + JOB,
                "checkpoint id: 12",
                "kind:          checkpoint",
                "source:        " + uriOf(tree.jobDir(JOB).toLocalPath().resolve("chk-12")),
                "mode:          copy",
                "restore path:  " + uriOf(tree.lastState().toLocalPath()),
                "consistent:    yes",
                "files:         3 (previous generation: none)");
        assertThat(run.out()).contains("promoted at:", "completed at:  " + CheckpointTree.BASE.plusSeconds(12 * 60));
    }

    @Test
    void statusAsJsonAfterTwoPromotions() throws Exception {
        CheckpointTree tree = CheckpointTree.inDirectory(dir).standard();
        Cli.succeeds("promote", "--store", dir.toString());
        tree.checkpoint(JOB, 14, 2);
        Cli.succeeds("promote", "--store", dir.toString());

        Cli.Run run = Cli.succeeds("status", "--store", dir.toString(), "--output", "json");

        assertThat(run.outLines()).hasSize(1);
        JsonNode status = run.json();
        assertThat(status.get("jobId").asText()).isEqualTo(JOB);
        assertThat(status.get("checkpointId").asLong()).isEqualTo(14);
        assertThat(status.get("kind").asText()).isEqualTo("CHECKPOINT");
        assertThat(status.get("mode").asText()).isEqualTo("COPY");
        assertThat(status.get("source").asText()).isEqualTo(uriOf(tree.jobDir(JOB).toLocalPath().resolve("chk-14")));
        assertThat(status.get("restorePath").asText()).isEqualTo(uriOf(tree.lastState().toLocalPath()));
        assertThat(status.get("consistent").asBoolean()).isTrue();
        assertThat(status.get("files").asInt()).isEqualTo(3);
        assertThat(status.get("previousFiles").asInt()).isEqualTo(3);
        assertThat(status.get("promotedAt").asText()).isNotBlank();
    }

    @Test
    void statusOfAPointerPromotion() throws Exception {
        CheckpointTree tree = CheckpointTree.inDirectory(dir).standard();
        Cli.succeeds("promote", "--store", dir.toString(), "--mode", "POINTER");

        JsonNode status = Cli.run("status", "--store", dir.toString(), "--output", "json").json();

        assertThat(status.get("mode").asText()).isEqualTo("POINTER");
        assertThat(status.get("restorePath").asText()).isEqualTo(uriOf(tree.jobDir(JOB).toLocalPath().resolve("chk-12")));
        assertThat(status.get("files").asInt()).isZero();
        assertThat(status.get("previousFiles").isNull()).isTrue();
    }

    @Test
    void anExplicitTarget() throws Exception {
        CheckpointTree tree = CheckpointTree.inDirectory(dir.resolve("checkpoints")).standard();
        Path target = dir.resolve("elsewhere");
        Cli.succeeds("promote", "--store", tree.checkpoints().toLocalPath().toString(), "--target", target.toString());

        // The default target was never promoted to nor initialized: laststate knows nothing there.
        assertThat(Cli.run("resolve", "--store", tree.checkpoints().toLocalPath().toString()).exitCode()).isEqualTo(ExitCodes.UNKNOWN_TARGET);
        Cli.Run run = Cli.succeeds("resolve", "--store", tree.checkpoints().toLocalPath().toString(), "--target", target.toString());
        assertThat(run.outLines()).containsExactly(uriOf(target));
    }

    @ParameterizedTest
    @ValueSource(strings = {"status", "resolve"})
    void nothingPromotedYetExitsThreeOnceInitialized(String command) throws Exception {
        CheckpointTree.inDirectory(dir).standard();
        Cli.succeeds("init", "--store", dir.toString());
        Map<String, String> before = fingerprint(dir);

        Cli.Run run = Cli.run(command, "--store", dir.toString());

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.NOTHING_TO_PROMOTE);
        assertThat(run.out()).isEmpty();
        assertThat(run.errLines()).singleElement().asString().startsWith("laststate: nothing has been promoted to ")
                .contains("initialized for a new job").contains("without a restore path");
        assertThat(fingerprint(dir)).isEqualTo(before);
    }

    @ParameterizedTest
    @ValueSource(strings = {"status", "resolve"})
    void nothingPromotedToAnUnknownTargetExitsEight(String command) throws Exception {
        CheckpointTree.inDirectory(dir).standard();
        Map<String, String> before = fingerprint(dir);

        Cli.Run run = Cli.run(command, "--store", dir.toString());

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.UNKNOWN_TARGET);
        assertThat(run.out()).isEmpty();
        assertThat(run.errLines()).singleElement().asString().startsWith("laststate: nothing has been promoted to ")
                .contains("laststate manages nothing at").contains("laststate init");
        assertThat(fingerprint(dir)).isEqualTo(before);
    }

    @ParameterizedTest
    @ValueSource(strings = {"status", "resolve"})
    void aCorruptRecordExitsFive(String command) throws Exception {
        CheckpointTree tree = CheckpointTree.inDirectory(dir).standard();
        LocalFiles.write(tree.lastState().toLocalPath().resolve(FlinkLayout.POINTER_RECORD), "{\"formatVersion\": 99}".getBytes());
        Map<String, String> before = fingerprint(dir);

        Cli.Run run = Cli.run(command, "--store", dir.toString());

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.REFUSED);
        assertThat(run.out()).isEmpty();
        assertThat(run.errLines()).singleElement().asString()
                .startsWith("laststate: cannot read the pointer record").contains("format version 99").doesNotContain("at dev.");
        assertThat(fingerprint(dir)).isEqualTo(before);
    }
}
