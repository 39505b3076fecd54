package dev.laststate.cli;

import static dev.laststate.cli.LocalFiles.location;
import static dev.laststate.cli.LocalFiles.read;
import static dev.laststate.cli.LocalFiles.uriOf;
import static dev.laststate.tck.CheckpointTree.JOB;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.laststate.tck.CheckpointTree;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code laststate savepoint}: trigger, poll (recorded Flink answers), then promote the savepoint's whole directory. */
class SavepointCommandTest {

    @TempDir
    Path base;

    private RecordedJobManager jm;
    private CheckpointTree tree;
    private Path savepoints;
    private Path savepoint;
    private String trigger;
    private String statusPath;

    @BeforeEach
    void start() throws Exception {
        jm = new RecordedJobManager(base);
        tree = CheckpointTree.inDirectory(base.resolve("checkpoints")).standard();
        savepoints = base.resolve("savepoints");
        savepoint = tree.savepoint(location(savepoints), JOB, 14, 2, Instant.now()).toLocalPath();
        jm.answer("GET", "/jobs/overview", jm.body("jobs-overview-restored.json", Map.of("restored", JOB, "first", CheckpointTree.OTHER_JOB)));
        jm.answer("GET", "/jobs/" + JOB + "/checkpoints", jm.edit(jm.body("checkpoints-restored.json", Map.of("restored", JOB)),
                root -> ((ObjectNode) root.get("latest")).putObject("completed").put("id", 12)
                        .put("external_path", "file:" + tree.jobDir(JOB).toLocalPath().resolve("chk-12"))));
        String triggerBody = jm.body("savepoint-trigger.json", Map.of());
        trigger = triggerBody.replaceAll(".*\"request-id\":\"([0-9a-f]+)\".*", "$1").strip();
        jm.answer("POST", "/jobs/" + JOB + "/savepoints", triggerBody);
        jm.answer("POST", "/jobs/" + JOB + "/stop", triggerBody);
        statusPath = "/jobs/" + JOB + "/savepoints/" + trigger;
    }

    @AfterEach
    void stop() throws IOException {
        jm.close();
    }

    private String inProgress() {
        return jm.body("savepoint-status-first.json", Map.of());
    }

    private String completed() {
        // Flink's own single-slash spelling of the location
        return jm.edit(jm.body("savepoint-status-completed.json", Map.of()),
                root -> ((ObjectNode) root.get("operation")).put("location", "file:" + savepoint));
    }

    private Cli.Run savepoint(String... extra) {
        String[] args = new String[] {"savepoint", "--store", base.resolve("checkpoints").toString(), "--jobmanager", jm.url(),
            "--poll-interval", "20ms"};
        String[] all = java.util.Arrays.copyOf(args, args.length + extra.length);
        System.arraycopy(extra, 0, all, args.length, extra.length);
        return Cli.run(all);
    }

    @Test
    void pollsUntilCompletedThenPromotesTheWholeSavepoint() throws Exception {
        jm.answer("GET", statusPath, inProgress(), inProgress(), completed());

        Cli.Run run = savepoint("--savepoints", savepoints.toString());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).startsWith("PROMOTED savepoint 14 of job " + JOB + " (" + uriOf(savepoint) + ") -> " + uriOf(tree.lastState().toLocalPath()));
        for (String name : CheckpointTree.fileNames(JOB, 14, 2).subList(0, 2)) {
            assertThat(read(LocalFiles.relocated(tree.lastState().toLocalPath(), savepoint.resolve(name)))).as(name)
                    .isEqualTo(read(savepoint.resolve(name)));
        }
        assertThat(read(tree.lastState().toLocalPath().resolve("_metadata"))).isEqualTo(LocalFiles.relocatedMetadata(savepoint));
        RecordedRequest post = jm.requests.stream().filter(r -> r.getMethod().equals("POST")).findFirst().orElseThrow();
        assertThat(post.getPath()).isEqualTo("/jobs/" + JOB + "/savepoints");
        assertThat(post.getBody().readUtf8()).isEqualTo("{\"target-directory\":\"" + uriOf(savepoints) + "\",\"cancel-job\":false}");
        assertThat(jm.requests.stream().filter(r -> r.getPath().equals(statusPath)).count()).isEqualTo(3);
    }

    @Test
    void stopUsesTheStopEndpointAndTheJobManagersDefaultDirectory() {
        jm.answer("GET", statusPath, completed());

        Cli.Run run = savepoint("--stop");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        RecordedRequest post = jm.requests.stream().filter(r -> r.getMethod().equals("POST")).findFirst().orElseThrow();
        assertThat(post.getPath()).isEqualTo("/jobs/" + JOB + "/stop");
        assertThat(post.getBody().readUtf8()).isEqualTo("{\"drain\":false}");
        assertThat(run.out()).startsWith("PROMOTED savepoint 14 of job " + JOB);
    }

    @Test
    void aFailedSavepointIsExit4WithFlinksCause() throws Exception {
        jm.answer("GET", statusPath, inProgress(), jm.body("savepoint-status-failed.json", Map.of()));

        Cli.Run run = savepoint();

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.STORE_FAILURE);
        assertThat(run.errLines()).singleElement().asString()
                .startsWith("laststate: the savepoint of job " + JOB + " failed: ")
                .contains("CheckpointException");
        assertThat(tree.lastState().toLocalPath()).doesNotExist();
    }

    @Test
    void aSavepointThatDoesNotCompleteInTimeIsExit4() throws Exception {
        jm.answer("GET", statusPath, inProgress());
        long started = System.nanoTime();

        Cli.Run run = savepoint("--timeout", "300ms");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.STORE_FAILURE);
        assertThat(run.err()).contains("did not complete within 0.3s").contains("trigger " + trigger).contains("--timeout");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
        assertThat(tree.lastState().toLocalPath()).doesNotExist();
    }

    @Test
    void aSavepointOlderThanLastStateIsRefusedWithExit5() throws Exception {
        tree.checkpoint(JOB, 20, 2);
        assertThat(Cli.run("promote", "--store", base.resolve("checkpoints").toString(), "--job-id", JOB).exitCode()).isZero();
        jm.answer("GET", statusPath, completed());
        jm.answer("GET", "/jobs/" + JOB + "/checkpoints", jm.edit(jm.body("checkpoints-restored.json", Map.of("restored", JOB)),
                root -> ((ObjectNode) root.get("latest")).putObject("completed").put("id", 20)
                        .put("external_path", "file:" + tree.jobDir(JOB).toLocalPath().resolve("chk-20"))));

        Cli.Run run = savepoint();

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.REFUSED);
        assertThat(run.err()).contains("savepoint 14 of job " + JOB).contains("is older than checkpoint 20");
    }

    @Test
    void withoutAJobManagerItIsExit2() {
        Cli.Run run = Cli.run("savepoint", "--store", base.resolve("checkpoints").toString());

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("--jobmanager");
    }
}
