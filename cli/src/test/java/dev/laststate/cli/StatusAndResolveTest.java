package dev.laststate.cli;

import static dev.laststate.cli.CheckpointTree.JOB;
import static dev.laststate.cli.CheckpointTree.fingerprint;
import static dev.laststate.cli.CheckpointTree.uriOf;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.laststate.flink.FlinkLayout;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatusAndResolveTest {

    @TempDir
    Path dir;

    @Test
    void statusShowsThePromotedCheckpoint() {
        CheckpointTree tree = CheckpointTree.standard(dir);
        Cli.succeeds("promote", "--store", dir.toString());

        Cli.Run run = Cli.succeeds("status", "--store", dir.toString());

        assertThat(run.err()).isEmpty();
        assertThat(run.outLines()).contains(
                "target:        " + uriOf(tree.lastState()),
                "job id:        " + JOB,
                "checkpoint id: 12",
                "kind:          checkpoint",
                "source:        " + uriOf(tree.jobDir(JOB).resolve("chk-12")),
                "mode:          copy",
                "restore path:  " + uriOf(tree.lastState()),
                "consistent:    yes",
                "files:         3 (previous generation: none)");
        assertThat(run.out()).contains("promoted at:", "completed at:  " + CheckpointTree.BASE.plusSeconds(12 * 60));
    }

    @Test
    void statusAsJsonAfterTwoPromotions() {
        CheckpointTree tree = CheckpointTree.standard(dir);
        Cli.succeeds("promote", "--store", dir.toString());
        tree.checkpoint(JOB, 14);
        Cli.succeeds("promote", "--store", dir.toString());

        Cli.Run run = Cli.succeeds("status", "--store", dir.toString(), "--output", "json");

        assertThat(run.outLines()).hasSize(1);
        JsonNode status = run.json();
        assertThat(status.get("jobId").asText()).isEqualTo(JOB);
        assertThat(status.get("checkpointId").asLong()).isEqualTo(14);
        assertThat(status.get("kind").asText()).isEqualTo("CHECKPOINT");
        assertThat(status.get("mode").asText()).isEqualTo("COPY");
        assertThat(status.get("source").asText()).isEqualTo(uriOf(tree.jobDir(JOB).resolve("chk-14")));
        assertThat(status.get("restorePath").asText()).isEqualTo(uriOf(tree.lastState()));
        assertThat(status.get("consistent").asBoolean()).isTrue();
        assertThat(status.get("files").asInt()).isEqualTo(3);
        assertThat(status.get("previousFiles").asInt()).isEqualTo(3);
        assertThat(status.get("promotedAt").asText()).isNotBlank();
    }

    @Test
    void statusOfAPointerPromotion() {
        CheckpointTree tree = CheckpointTree.standard(dir);
        Cli.succeeds("promote", "--store", dir.toString(), "--mode", "POINTER");

        JsonNode status = Cli.run("status", "--store", dir.toString(), "--output", "json").json();

        assertThat(status.get("mode").asText()).isEqualTo("POINTER");
        assertThat(status.get("restorePath").asText()).isEqualTo(uriOf(tree.jobDir(JOB).resolve("chk-12")));
        assertThat(status.get("files").asInt()).isZero();
        assertThat(status.get("previousFiles").isNull()).isTrue();
    }

    @Test
    void anExplicitTarget() {
        CheckpointTree tree = CheckpointTree.standard(dir.resolve("checkpoints"));
        Path target = dir.resolve("elsewhere");
        Cli.succeeds("promote", "--store", tree.root.toString(), "--target", target.toString());

        assertThat(Cli.run("resolve", "--store", tree.root.toString()).exitCode()).isEqualTo(ExitCodes.NOTHING_TO_PROMOTE);
        Cli.Run run = Cli.succeeds("resolve", "--store", tree.root.toString(), "--target", target.toString());
        assertThat(run.outLines()).containsExactly(uriOf(target));
    }

    @ParameterizedTest
    @ValueSource(strings = {"status", "resolve"})
    void nothingPromotedYetExitsThree(String command) {
        CheckpointTree.standard(dir);
        Map<String, String> before = fingerprint(dir);

        Cli.Run run = Cli.run(command, "--store", dir.toString());

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.NOTHING_TO_PROMOTE);
        assertThat(run.out()).isEmpty();
        assertThat(run.errLines()).singleElement().asString().startsWith("laststate: nothing has been promoted to ");
        assertThat(fingerprint(dir)).isEqualTo(before);
    }

    @ParameterizedTest
    @ValueSource(strings = {"status", "resolve"})
    void aCorruptRecordExitsFive(String command) {
        CheckpointTree tree = CheckpointTree.standard(dir);
        CheckpointTree.write(tree.lastState().resolve(FlinkLayout.POINTER_RECORD), "{\"formatVersion\": 99}".getBytes());
        Map<String, String> before = fingerprint(dir);

        Cli.Run run = Cli.run(command, "--store", dir.toString());

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.REFUSED);
        assertThat(run.out()).isEmpty();
        assertThat(run.errLines()).singleElement().asString()
                .startsWith("laststate: cannot read the pointer record").contains("format version 99").doesNotContain("at dev.");
        assertThat(fingerprint(dir)).isEqualTo(before);
    }
}
