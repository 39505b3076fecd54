package dev.laststate.cli;

import static dev.laststate.cli.CheckpointTree.JOB;
import static dev.laststate.cli.CheckpointTree.OTHER_JOB;
import static dev.laststate.cli.CheckpointTree.fingerprint;
import static dev.laststate.cli.CheckpointTree.read;
import static dev.laststate.cli.CheckpointTree.uriOf;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.laststate.flink.FlinkLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PromoteCommandTest {

    @TempDir
    Path dir;

    @Test
    void promotesTheNewestCompleteCheckpointWithAllItsFiles() throws IOException {
        CheckpointTree tree = CheckpointTree.standard(dir);
        Path chk12 = tree.jobDir(JOB).resolve("chk-12");

        Cli.Run run = Cli.succeeds("promote", "--store", dir.toString());

        assertThat(run.err()).isEmpty();
        long bytes = Files.size(chk12.resolve("_metadata")) + Files.size(chk12.resolve("state-a-12"))
                + Files.size(chk12.resolve("state-b-12"));
        assertThat(run.outLines()).singleElement().asString()
                .startsWith("PROMOTED checkpoint 12 of job " + JOB + " (" + uriOf(chk12) + ") -> "
                        + uriOf(tree.lastState()) + ": 3 files, " + bytes + " bytes in ")
                .endsWith(" ms");
        for (String name : new String[] {"_metadata", "state-a-12", "state-b-12"}) {
            assertThat(read(tree.lastState().resolve(name))).as(name).isEqualTo(read(chk12.resolve(name)));
        }
        assertThat(tree.lastState().resolve(FlinkLayout.POINTER_RECORD)).isRegularFile();
        try (Stream<Path> files = Files.list(tree.lastState())) {
            assertThat(files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")))
                    .containsExactlyInAnyOrder("_metadata", "state-a-12", "state-b-12", FlinkLayout.POINTER_RECORD);
        }
    }

    @Test
    void printsOneJsonObject() {
        CheckpointTree tree = CheckpointTree.standard(dir);
        Path chk12 = tree.jobDir(JOB).resolve("chk-12");

        Cli.Run run = Cli.succeeds("promote", "--store", tree.uri(), "--output", "json");

        assertThat(run.outLines()).hasSize(1);
        JsonNode result = run.json();
        assertThat(result.get("status").asText()).isEqualTo("PROMOTED");
        assertThat(result.get("jobId").asText()).isEqualTo(JOB);
        assertThat(result.get("checkpointId").asLong()).isEqualTo(12);
        assertThat(result.get("kind").asText()).isEqualTo("CHECKPOINT");
        assertThat(result.get("source").asText()).isEqualTo(uriOf(chk12));
        assertThat(result.get("target").asText()).isEqualTo(uriOf(tree.lastState()));
        assertThat(result.get("filesCopied").asLong()).isEqualTo(3);
        assertThat(result.get("bytesCopied").asLong()).isPositive();
        assertThat(result.get("durationMs").isIntegralNumber()).isTrue();
        assertThat(result.has("reason")).isFalse();
    }

    @Test
    void aSecondRunIsUnchangedAndWritesNothing() {
        CheckpointTree.standard(dir);
        Cli.succeeds("promote", "--store", dir.toString());
        Map<String, String> before = fingerprint(dir);

        Cli.Run run = Cli.succeeds("promote", "--store", dir.toString(), "--output", "json");

        JsonNode result = run.json();
        assertThat(result.get("status").asText()).isEqualTo("UNCHANGED");
        assertThat(result.get("reason").asText()).contains("already holds checkpoint 12");
        assertThat(fingerprint(dir)).isEqualTo(before);
    }

    @Test
    void aDryRunWritesNothing() {
        CheckpointTree.standard(dir);
        Map<String, String> before = fingerprint(dir);

        Cli.Run run = Cli.succeeds("promote", "--store", dir.toString(), "--dry-run", "--output", "json");

        JsonNode result = run.json();
        assertThat(result.get("status").asText()).isEqualTo("DRY_RUN");
        assertThat(result.get("checkpointId").asLong()).isEqualTo(12);
        assertThat(result.get("reason").asText()).startsWith("would promote checkpoint 12");
        assertThat(fingerprint(dir)).isEqualTo(before);
    }

    @Test
    void aNewerCheckpointReplacesThePromotedOne() {
        CheckpointTree tree = CheckpointTree.standard(dir);
        Cli.succeeds("promote", "--store", dir.toString());
        tree.checkpoint(JOB, 14);

        Cli.Run run = Cli.succeeds("promote", "--store", dir.toString());

        assertThat(run.out()).startsWith("PROMOTED checkpoint 14 of job " + JOB);
        assertThat(read(tree.lastState().resolve("_metadata"))).isEqualTo(read(tree.jobDir(JOB).resolve("chk-14/_metadata")));
        assertThat(tree.lastState().resolve("state-a-14")).exists();
    }

    @Test
    void pointerModeCopiesNothingAndResolvePrintsTheCheckpoint() {
        CheckpointTree tree = CheckpointTree.standard(dir);

        Cli.Run run = Cli.succeeds("promote", "--store", dir.toString(), "--mode", "pointer");

        assertThat(run.out()).startsWith("PROMOTED checkpoint 12");
        assertThat(tree.lastState().resolve(FlinkLayout.POINTER_RECORD)).isRegularFile();
        assertThat(tree.lastState().resolve("_metadata")).doesNotExist();
        assertThat(tree.lastState().resolve("state-a-12")).doesNotExist();

        Cli.Run resolve = Cli.succeeds("resolve", "--store", dir.toString());
        assertThat(resolve.errLines()).singleElement().asString().startsWith("laststate: note: restore with Flink's default claim mode NO_CLAIM");
        assertThat(resolve.outLines()).containsExactly(uriOf(tree.jobDir(JOB).resolve("chk-12")));
    }

    @Test
    void copyModeResolvePrintsTheTarget() {
        CheckpointTree tree = CheckpointTree.standard(dir);
        Cli.succeeds("promote", "--store", dir.toString());

        Cli.Run resolve = Cli.succeeds("resolve", "--store", dir.toString());

        assertThat(resolve.outLines()).containsExactly(uriOf(tree.lastState()));
    }

    @Test
    void anExplicitTargetAndJobId() {
        CheckpointTree tree = CheckpointTree.standard(dir.resolve("checkpoints"));
        tree.checkpoint(OTHER_JOB, 3); // completed before JOB's chk-12, so only --job-id selects it
        Path target = dir.resolve("restore");

        Cli.Run run = Cli.succeeds("promote", "--store", tree.root.toString(), "--job-id", OTHER_JOB,
                "--target", target.toUri().toString(), "--output", "json");

        JsonNode result = run.json();
        assertThat(result.get("jobId").asText()).isEqualTo(OTHER_JOB);
        assertThat(result.get("checkpointId").asLong()).isEqualTo(3);
        assertThat(result.get("target").asText()).isEqualTo(uriOf(target));
        assertThat(read(target.resolve("_metadata"))).isEqualTo(read(tree.jobDir(OTHER_JOB).resolve("chk-3/_metadata")));
        assertThat(tree.lastState()).doesNotExist();
    }

    @Test
    void withoutJobIdTheJobThatCheckpointedLastIsPromoted() {
        CheckpointTree tree = CheckpointTree.standard(dir);
        tree.checkpoint(OTHER_JOB, 40); // completed at BASE + 40 min, after JOB's chk-12

        Cli.Run run = Cli.succeeds("promote", "--store", dir.toString(), "--output", "json");

        JsonNode result = run.json();
        assertThat(result.get("jobId").asText()).isEqualTo(OTHER_JOB);
        assertThat(result.get("checkpointId").asLong()).isEqualTo(40);
    }

    @Test
    void aNewerSavepointWins() {
        CheckpointTree tree = CheckpointTree.standard(dir.resolve("checkpoints"));
        Path savepoints = dir.resolve("savepoints");
        Path savepoint = tree.savepoint(savepoints, JOB, 20, CheckpointTree.BASE.plusSeconds(3600));

        Cli.Run run = Cli.succeeds("promote", "--store", tree.root.toString(), "--savepoints", savepoints.toString(),
                "--output", "json");

        JsonNode result = run.json();
        assertThat(result.get("kind").asText()).isEqualTo("SAVEPOINT");
        assertThat(result.get("checkpointId").asLong()).isEqualTo(20);
        assertThat(result.get("source").asText()).isEqualTo(uriOf(savepoint));
        assertThat(read(tree.lastState().resolve("state-b-20"))).isEqualTo(read(savepoint.resolve("state-b-20")));
    }

    @Test
    void aRefusalPrintsTheResultAndExitsFive() {
        CheckpointTree tree = CheckpointTree.standard(dir);
        Path record = tree.lastState().resolve(FlinkLayout.POINTER_RECORD);
        CheckpointTree.write(record, "{ not json".getBytes());
        Map<String, String> before = fingerprint(dir);

        Cli.Run run = Cli.run("promote", "--store", dir.toString(), "--output", "json");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.REFUSED);
        JsonNode result = run.json();
        assertThat(result.get("status").asText()).isEqualTo("REFUSED");
        assertThat(result.get("reason").asText()).contains(FlinkLayout.POINTER_RECORD);
        assertThat(run.errLines()).singleElement().asString().startsWith("laststate: refused: ").doesNotContain("at dev.");
        assertThat(fingerprint(dir)).isEqualTo(before);
        assertThat(new String(read(record))).isEqualTo("{ not json");
    }

    @Test
    void forceReplacesACorruptRecord() {
        CheckpointTree tree = CheckpointTree.standard(dir);
        CheckpointTree.write(tree.lastState().resolve(FlinkLayout.POINTER_RECORD), "{ not json".getBytes());

        Cli.Run run = Cli.succeeds("promote", "--store", dir.toString(), "--force");

        assertThat(run.out()).startsWith("PROMOTED checkpoint 12");
        Cli.succeeds("status", "--store", dir.toString());
    }

    @Test
    void copyConcurrencyIsPassedOn() {
        CheckpointTree.standard(dir);

        Cli.Run run = Cli.succeeds("promote", "--store", dir.toString(), "--copy-concurrency", "1");

    }
}
