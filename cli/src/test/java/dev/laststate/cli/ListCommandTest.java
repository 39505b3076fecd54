package dev.laststate.cli;

import static dev.laststate.cli.LocalFiles.location;
import static dev.laststate.cli.LocalFiles.uriOf;
import static dev.laststate.tck.CheckpointTree.JOB;
import static dev.laststate.tck.CheckpointTree.OTHER_JOB;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.laststate.tck.CheckpointTree;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ListCommandTest {

    @TempDir
    Path dir;

    @Test
    void listsCompleteCheckpointsNewestFirstAndMarksTheNewest() throws Exception {
        CheckpointTree tree = CheckpointTree.inDirectory(dir).standard();

        Cli.Run run = Cli.succeeds("list", "--store", dir.toString());

        assertThat(run.err()).isEmpty();
        List<String> lines = run.outLines();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).startsWith("* " + JOB).contains(" checkpoint ", " 12 ",
                CheckpointTree.BASE.plusSeconds(12 * 60).toString()).endsWith(uriOf(tree.jobDir(JOB).toLocalPath().resolve("chk-12")));
        assertThat(lines.get(1)).startsWith("  " + JOB).contains(" 10 ").endsWith("chk-10");
        assertThat(lines.get(2)).startsWith("  " + JOB).contains(" 9 ").endsWith("chk-9");
        assertThat(run.out()).doesNotContain("chk-13");
    }

    @Test
    void listsEveryJobAsJson() throws Exception {
        CheckpointTree tree = CheckpointTree.inDirectory(dir).standard();
        tree.checkpoint(OTHER_JOB, 2, 2);

        Cli.Run run = Cli.succeeds("list", "--store", dir.toString(), "--output", "json");

        assertThat(run.outLines()).hasSize(1);
        JsonNode jobs = run.json().get("jobs");
        assertThat(jobs).hasSize(2);
        JsonNode job = jobs.get(1).get("jobId").asText().equals(JOB) ? jobs.get(1) : jobs.get(0);
        assertThat(job.get("newest").get("checkpointId").asLong()).isEqualTo(12);
        assertThat(job.get("snapshots")).extracting(s -> s.get("checkpointId").asLong()).containsExactly(12L, 10L, 9L);
        JsonNode first = job.get("snapshots").get(0);
        assertThat(first.get("kind").asText()).isEqualTo("CHECKPOINT");
        assertThat(first.get("completedAt").asText()).isEqualTo(CheckpointTree.BASE.plusSeconds(12 * 60).toString());
        assertThat(first.get("directory").asText()).isEqualTo(uriOf(tree.jobDir(JOB).toLocalPath().resolve("chk-12")));
    }

    @Test
    void listsOneJobWithItsSavepoints() throws Exception {
        CheckpointTree tree = CheckpointTree.inDirectory(dir.resolve("checkpoints")).standard();
        tree.checkpoint(OTHER_JOB, 2, 2);
        Path savepoints = dir.resolve("savepoints");
        tree.savepoint(location(savepoints), JOB, 11, 2, CheckpointTree.BASE.plusSeconds(11 * 60 + 30));

        Cli.Run run = Cli.succeeds("list", "--store", tree.checkpoints().toLocalPath().toString(), "--job-id", JOB,
                "--savepoints", savepoints.toString(), "--output", "json");

        JsonNode jobs = run.json().get("jobs");
        assertThat(jobs).singleElement().satisfies(job -> {
            assertThat(job.get("jobId").asText()).isEqualTo(JOB);
            assertThat(job.get("snapshots")).extracting(s -> s.get("kind").asText() + " " + s.get("checkpointId").asLong())
                    .containsExactly("CHECKPOINT 12", "SAVEPOINT 11", "CHECKPOINT 10", "CHECKPOINT 9");
        });
    }

    @Test
    void promoteChoosesTheSavepointListMarksOfAJobThatHasOnlySavepoints() throws Exception {
        CheckpointTree tree = CheckpointTree.inDirectory(dir.resolve("checkpoints"));
        tree.incompleteCheckpoint(JOB, 1, 1); // the job's directory exists, no checkpoint completed
        Path savepoints = dir.resolve("savepoints");
        tree.savepoint(location(savepoints), JOB, 4, 2, CheckpointTree.BASE.plusSeconds(4 * 60));
        String store = tree.checkpoints().toLocalPath().toString();

        Cli.Run list = Cli.succeeds("list", "--store", store, "--savepoints", savepoints.toString());
        Cli.Run promote = Cli.succeeds("promote", "--store", store, "--savepoints", savepoints.toString(), "--output", "json");

        assertThat(list.outLines()).singleElement().asString().startsWith("* " + JOB).contains(" savepoint ", " 4 ");
        String marked = list.outLines().get(0).substring(list.outLines().get(0).lastIndexOf(' ') + 1);
        assertThat(promote.json().get("status").asText()).isEqualTo("PROMOTED");
        assertThat(promote.json().get("kind").asText()).isEqualTo("SAVEPOINT");
        assertThat(promote.json().get("source").asText()).isEqualTo(marked);
        // Without --savepoints the job has no complete snapshot, for both.
        assertThat(Cli.run("list", "--store", store).exitCode()).isEqualTo(ExitCodes.NOTHING_TO_PROMOTE);
        assertThat(Cli.run("promote", "--store", store).exitCode()).isEqualTo(ExitCodes.NOTHING_TO_PROMOTE);
    }

    @Test
    void aStoreWithoutJobsIsUnknownUntilInitialized() {
        Cli.Run unknown = Cli.run("list", "--store", dir.toString());
        assertThat(unknown.exitCode()).as(unknown.toString()).isEqualTo(ExitCodes.UNKNOWN_TARGET);
        Cli.succeeds("init", "--store", dir.toString());

        Cli.Run run = Cli.run("list", "--store", dir.toString());

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.NOTHING_TO_PROMOTE);
        assertThat(run.out()).isEmpty();
        assertThat(run.errLines()).singleElement().asString().startsWith("laststate: no job directory");
    }

    @Test
    void jobsWithoutCompleteCheckpointsAreUnknownUntilInitialized() throws Exception {
        CheckpointTree.inDirectory(dir).incompleteCheckpoint(JOB, 1, 2);
        assertThat(Cli.run("list", "--store", dir.toString()).exitCode()).isEqualTo(ExitCodes.UNKNOWN_TARGET);
        Cli.succeeds("init", "--store", dir.toString());

        Cli.Run run = Cli.run("list", "--store", dir.toString());

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.NOTHING_TO_PROMOTE);
        assertThat(run.errLines()).singleElement().asString().startsWith("laststate: no complete checkpoint");
    }
}
