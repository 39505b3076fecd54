package dev.laststate.cli;

import static dev.laststate.cli.LocalFiles.fingerprint;
import static dev.laststate.cli.LocalFiles.location;
import static dev.laststate.cli.LocalFiles.read;
import static dev.laststate.cli.LocalFiles.uriOf;
import static dev.laststate.tck.CheckpointTree.JOB;
import static dev.laststate.tck.CheckpointTree.OTHER_JOB;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.laststate.flink.FlinkLayout;
import dev.laststate.tck.CheckpointTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PromoteCommandTest {

    @TempDir
    Path dir;

    @Test
    void promotesTheNewestCompleteCheckpointWithAllItsFiles() throws Exception {
        CheckpointTree tree = CheckpointTree.inDirectory(dir).standard();
        Path chk12 = tree.jobDir(JOB).toLocalPath().resolve("chk-12");
        Path lastState = tree.lastState().toLocalPath();
        List<String> names = CheckpointTree.fileNames(JOB, 12, 2); // two state files and _metadata

        Cli.Run run = Cli.succeeds("promote", "--store", dir.toString());

        assertThat(run.err()).isEmpty();
        // Relocated: each state file under state/, and the _metadata that points there.
        byte[] metadata = LocalFiles.relocatedMetadata(chk12);
        long bytes = metadata.length;
        List<String> stateFiles = names.subList(0, 2);
        for (String name : stateFiles) {
            bytes += Files.size(chk12.resolve(name));
        }
        assertThat(run.outLines()).singleElement().asString()
                .startsWith("PROMOTED checkpoint 12 of job " + JOB + " (" + uriOf(chk12) + ") -> "
                        + uriOf(lastState) + ": 3 files, " + bytes + " bytes in ")
                .endsWith(" ms");
        for (String name : stateFiles) {
            assertThat(read(LocalFiles.relocated(lastState, chk12.resolve(name)))).as(name).isEqualTo(read(chk12.resolve(name)));
        }
        assertThat(read(lastState.resolve(FlinkLayout.METADATA))).isEqualTo(metadata);
        assertThat(lastState.resolve(FlinkLayout.POINTER_RECORD)).isRegularFile();
        try (Stream<Path> files = Files.walk(lastState)) {
            assertThat(files.filter(Files::isRegularFile).map(p -> lastState.relativize(p).toString()).filter(n -> !n.startsWith(".")))
                    .containsExactlyInAnyOrder(FlinkLayout.METADATA, FlinkLayout.POINTER_RECORD,
                            lastState.relativize(LocalFiles.relocated(lastState, chk12.resolve(stateFiles.get(0)))).toString(),
                            lastState.relativize(LocalFiles.relocated(lastState, chk12.resolve(stateFiles.get(1)))).toString());
        }
    }

    @Test
    void printsOneJsonObject() throws Exception {
        CheckpointTree tree = CheckpointTree.inDirectory(dir).standard();
        Path chk12 = tree.jobDir(JOB).toLocalPath().resolve("chk-12");

        Cli.Run run = Cli.succeeds("promote", "--store", dir.toUri().toString(), "--output", "json");

        assertThat(run.outLines()).hasSize(1);
        JsonNode result = run.json();
        assertThat(result.get("status").asText()).isEqualTo("PROMOTED");
        assertThat(result.get("jobId").asText()).isEqualTo(JOB);
        assertThat(result.get("checkpointId").asLong()).isEqualTo(12);
        assertThat(result.get("kind").asText()).isEqualTo("CHECKPOINT");
        assertThat(result.get("source").asText()).isEqualTo(uriOf(chk12));
        assertThat(result.get("target").asText()).isEqualTo(uriOf(tree.lastState().toLocalPath()));
        assertThat(result.get("filesCopied").asLong()).isEqualTo(3);
        assertThat(result.get("bytesCopied").asLong()).isPositive();
        assertThat(result.get("durationMs").isIntegralNumber()).isTrue();
        assertThat(result.has("reason")).isFalse();
    }

    @Test
    void aSecondRunIsUnchangedAndWritesNothing() throws Exception {
        CheckpointTree.inDirectory(dir).standard();
        Cli.succeeds("promote", "--store", dir.toString());
        Map<String, String> before = fingerprint(dir);

        Cli.Run run = Cli.succeeds("promote", "--store", dir.toString(), "--output", "json");

        JsonNode result = run.json();
        assertThat(result.get("status").asText()).isEqualTo("UNCHANGED");
        assertThat(result.get("reason").asText()).contains("already holds checkpoint 12");
        assertThat(fingerprint(dir)).isEqualTo(before);
    }

    @Test
    void aDryRunWritesNothing() throws Exception {
        CheckpointTree.inDirectory(dir).standard();
        Map<String, String> before = fingerprint(dir);

        Cli.Run run = Cli.succeeds("promote", "--store", dir.toString(), "--dry-run", "--output", "json");

        JsonNode result = run.json();
        assertThat(result.get("status").asText()).isEqualTo("DRY_RUN");
        assertThat(result.get("checkpointId").asLong()).isEqualTo(12);
        assertThat(result.get("reason").asText()).startsWith("would promote checkpoint 12");
        assertThat(fingerprint(dir)).isEqualTo(before);
    }

    @Test
    void aNewerCheckpointReplacesThePromotedOne() throws Exception {
        CheckpointTree tree = CheckpointTree.inDirectory(dir).standard();
        Cli.succeeds("promote", "--store", dir.toString());
        tree.checkpoint(JOB, 14, 2);

        Cli.Run run = Cli.succeeds("promote", "--store", dir.toString());

        assertThat(run.out()).startsWith("PROMOTED checkpoint 14 of job " + JOB);
        Path chk14 = tree.jobDir(JOB).toLocalPath().resolve("chk-14");
        assertThat(read(tree.lastState().toLocalPath().resolve("_metadata"))).isEqualTo(LocalFiles.relocatedMetadata(chk14));
        assertThat(LocalFiles.relocated(tree.lastState().toLocalPath(), chk14.resolve(CheckpointTree.fileNames(JOB, 14, 2).get(0)))).exists();
    }

    @Test
    void pointerModeCopiesNothingAndResolvePrintsTheCheckpoint() throws Exception {
        CheckpointTree tree = CheckpointTree.inDirectory(dir).standard();

        Cli.Run run = Cli.succeeds("promote", "--store", dir.toString(), "--mode", "pointer");

        assertThat(run.out()).startsWith("PROMOTED checkpoint 12");
        assertThat(tree.lastState().toLocalPath().resolve(FlinkLayout.POINTER_RECORD)).isRegularFile();
        assertThat(tree.lastState().toLocalPath().resolve("_metadata")).doesNotExist();
        assertThat(tree.lastState().toLocalPath().resolve(CheckpointTree.fileNames(JOB, 12, 2).get(0))).doesNotExist();

        Cli.Run resolve = Cli.succeeds("resolve", "--store", dir.toString());
        assertThat(resolve.errLines()).singleElement().asString().startsWith("laststate: note: restore with Flink's default claim mode NO_CLAIM");
        assertThat(resolve.outLines()).containsExactly(uriOf(tree.jobDir(JOB).toLocalPath().resolve("chk-12")));
    }

    @Test
    void copyModeResolvePrintsTheTarget() throws Exception {
        CheckpointTree tree = CheckpointTree.inDirectory(dir).standard();
        Cli.succeeds("promote", "--store", dir.toString());

        Cli.Run resolve = Cli.succeeds("resolve", "--store", dir.toString());

        assertThat(resolve.outLines()).containsExactly(uriOf(tree.lastState().toLocalPath()));
    }

    @Test
    void anExplicitTargetAndJobId() throws Exception {
        CheckpointTree tree = CheckpointTree.inDirectory(dir.resolve("checkpoints")).standard();
        tree.checkpoint(OTHER_JOB, 3, 2); // completed before JOB's chk-12, so only --job-id selects it
        Path target = dir.resolve("restore");

        Cli.Run run = Cli.succeeds("promote", "--store", tree.checkpoints().toLocalPath().toString(), "--job-id", OTHER_JOB,
                "--target", target.toUri().toString(), "--output", "json");

        JsonNode result = run.json();
        assertThat(result.get("jobId").asText()).isEqualTo(OTHER_JOB);
        assertThat(result.get("checkpointId").asLong()).isEqualTo(3);
        assertThat(result.get("target").asText()).isEqualTo(uriOf(target));
        assertThat(read(target.resolve("_metadata"))).isEqualTo(LocalFiles.relocatedMetadata(tree.jobDir(OTHER_JOB).toLocalPath().resolve("chk-3")));
        assertThat(tree.lastState().toLocalPath()).doesNotExist();
    }

    @Test
    void withoutJobIdTheJobThatCheckpointedLastIsPromoted() throws Exception {
        CheckpointTree tree = CheckpointTree.inDirectory(dir).standard();
        tree.checkpoint(OTHER_JOB, 40, 2); // completed at BASE + 40 min, after JOB's chk-12

        Cli.Run run = Cli.succeeds("promote", "--store", dir.toString(), "--output", "json");

        JsonNode result = run.json();
        assertThat(result.get("jobId").asText()).isEqualTo(OTHER_JOB);
        assertThat(result.get("checkpointId").asLong()).isEqualTo(40);
    }

    @Test
    void aNewerSavepointWins() throws Exception {
        CheckpointTree tree = CheckpointTree.inDirectory(dir.resolve("checkpoints")).standard();
        Path savepoints = dir.resolve("savepoints");
        Path savepoint = tree.savepoint(location(savepoints), JOB, 20, 2, CheckpointTree.BASE.plusSeconds(3600)).toLocalPath();

        Cli.Run run = Cli.succeeds("promote", "--store", tree.checkpoints().toLocalPath().toString(), "--savepoints", savepoints.toString(),
                "--output", "json");

        JsonNode result = run.json();
        assertThat(result.get("kind").asText()).isEqualTo("SAVEPOINT");
        assertThat(result.get("checkpointId").asLong()).isEqualTo(20);
        assertThat(result.get("source").asText()).isEqualTo(uriOf(savepoint));
        String stateFile = CheckpointTree.fileNames(JOB, 20, 2).get(1);
        assertThat(read(LocalFiles.relocated(tree.lastState().toLocalPath(), savepoint.resolve(stateFile)))).isEqualTo(read(savepoint.resolve(stateFile)));
    }

    @Test
    void aRefusalPrintsTheResultAndExitsFive() throws Exception {
        CheckpointTree tree = CheckpointTree.inDirectory(dir).standard();
        Path record = tree.lastState().toLocalPath().resolve(FlinkLayout.POINTER_RECORD);
        LocalFiles.write(record, "{ not json".getBytes());
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
    void forceReplacesACorruptRecord() throws Exception {
        CheckpointTree tree = CheckpointTree.inDirectory(dir).standard();
        LocalFiles.write(tree.lastState().toLocalPath().resolve(FlinkLayout.POINTER_RECORD), "{ not json".getBytes());

        Cli.Run run = Cli.succeeds("promote", "--store", dir.toString(), "--force");

        assertThat(run.out()).startsWith("PROMOTED checkpoint 12");
        Cli.succeeds("status", "--store", dir.toString());
    }

    @Test
    void copyConcurrencyIsPassedOn() throws Exception {
        CheckpointTree.inDirectory(dir).standard();

        Cli.Run run = Cli.succeeds("promote", "--store", dir.toString(), "--copy-concurrency", "1");

    }
}
