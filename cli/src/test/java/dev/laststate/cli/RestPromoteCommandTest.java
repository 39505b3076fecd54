package dev.laststate.cli;

import static dev.laststate.cli.LocalFiles.fingerprint;
import static dev.laststate.cli.LocalFiles.uriOf;
import static dev.laststate.tck.CheckpointTree.JOB;
import static dev.laststate.tck.CheckpointTree.OTHER_JOB;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.laststate.tck.CheckpointTree;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.SocketPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code promote --jobmanager}: job choice, lower bound, lineage guard and exit codes against recorded Flink answers. */
class RestPromoteCommandTest {

    @TempDir
    Path base;

    private RecordedJobManager jm;
    private CheckpointTree tree;

    @BeforeEach
    void start() throws Exception {
        jm = new RecordedJobManager(base);
        tree = CheckpointTree.inDirectory(base.resolve("checkpoints")).standard(); // chk-9, chk-10, chk-12 complete, chk-13 not
    }

    @AfterEach
    void stop() throws IOException {
        jm.close();
    }

    private String store() {
        return base.resolve("checkpoints").toString();
    }

    /** The job JOB runs; REST reports {@code completed} as its newest checkpoint; {@code restored} says whether it restored. */
    private void running(long completed, boolean restored) {
        jm.answer("GET", "/jobs/overview", jm.body(restored ? "jobs-overview-restored.json" : "jobs-overview-one-running.json",
                Map.of(restored ? "restored" : "first", JOB, "first", restored ? OTHER_JOB : JOB)));
        String which = restored ? "restored" : "first";
        String stats = jm.body(restored ? "checkpoints-restored.json" : "checkpoints-running.json", Map.of(which, JOB));
        jm.answer("GET", "/jobs/" + JOB + "/checkpoints", withCompleted(stats, completed));
    }

    private String withCompleted(String stats, long id) {
        return jm.edit(stats, root -> {
            ObjectNode latest = (ObjectNode) root.get("latest");
            ObjectNode completed = latest.hasNonNull("completed") ? (ObjectNode) latest.get("completed") : latest.putObject("completed");
            completed.put("id", id);
            completed.put("external_path", "file:" + base.resolve("checkpoints").resolve(JOB).resolve("chk-" + id));
        });
    }

    @Test
    void promotesTheNewestCheckpointInStorageWhenTheJobManagerLagsBehind() throws Exception {
        running(10, true);

        Cli.Run run = Cli.succeeds("promote", "--store", store(), "--jobmanager", jm.url());

        assertThat(run.out()).startsWith("PROMOTED checkpoint 12 of job " + JOB + " (" + uriOf(tree.jobDir(JOB).toLocalPath().resolve("chk-12")) + ")");
        assertThat(jm.requests).extracting(r -> r.getPath()).containsExactly("/jobs/overview", "/jobs/" + JOB + "/checkpoints");
    }

    @Test
    void storageOlderThanTheJobManagerReportsIsExit3NotAnOlderPromotion() throws Exception {
        running(15, true);
        Cli.Run unmanaged = Cli.run("promote", "--store", store(), "--jobmanager", jm.url());
        Cli.succeeds("init", "--store", store());

        Cli.Run run = Cli.run("promote", "--store", store(), "--jobmanager", jm.url());

        assertThat(unmanaged.exitCode()).as(unmanaged.toString()).isEqualTo(ExitCodes.UNKNOWN_TARGET);
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.NOTHING_TO_PROMOTE);
        assertThat(run.err()).contains("the JobManager reports checkpoint 15 of job " + JOB).contains("checkpoint 12");
        assertThat(tree.lastState().toLocalPath().resolve("_metadata")).doesNotExist();
    }

    @Test
    void aNamedJobStillTakesItsLowerBoundFromTheJobManager() throws Exception {
        running(15, true);
        Cli.succeeds("init", "--store", store());

        Cli.Run run = Cli.run("promote", "--store", store(), "--jobmanager", jm.url(), "--job-id", JOB);

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.NOTHING_TO_PROMOTE);
        assertThat(run.err()).contains("the JobManager reports checkpoint 15 of job " + JOB);
    }

    @Test
    void aNamedJobsRequestIsRefusedBeforeTheJobManagerIsAsked() {
        running(12, true);

        Cli.Run run = Cli.run("promote", "--store", store(), "--jobmanager", jm.url(), "--job-id", JOB, "--copy-concurrency", "0");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.errLines()).singleElement().asString().contains("copy concurrency must be between 1 and 256");
        assertThat(jm.requests).isEmpty();
    }

    @Test
    void severalRunningJobsAreExit2NamingThem() {
        jm.answer("GET", "/jobs/overview", jm.body("jobs-overview-two-running.json", Map.of("first", JOB, "other", OTHER_JOB)));

        Cli.Run run = Cli.run("promote", "--store", store(), "--jobmanager", jm.url());

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.errLines()).singleElement().asString().contains(JOB).contains(OTHER_JOB).contains("--job-name or --job-id");
    }

    @Test
    void aJobNameChoosesAmongRunningJobs() throws Exception {
        jm.answer("GET", "/jobs/overview", jm.body("jobs-overview-two-running.json", Map.of("first", JOB, "other", OTHER_JOB)));
        jm.answer("GET", "/jobs/" + JOB + "/checkpoints", withCompleted(jm.body("checkpoints-restored.json", Map.of("restored", JOB)), 12));

        Cli.Run run = Cli.succeeds(Map.of("LASTSTATE_JOB_NAME", "counter"), "promote", "--store", store(), "--jobmanager", jm.url());

        assertThat(run.out()).startsWith("PROMOTED checkpoint 12 of job " + JOB);
    }

    @Test
    void checkpointsOutsideTheStoreAreExit2SayingWhereTheyAre() throws Exception {
        running(12, true);
        Path elsewhere = base.resolve("elsewhere");
        CheckpointTree.inDirectory(elsewhere).standard();

        Cli.Run run = Cli.run("promote", "--store", elsewhere.toString(), "--jobmanager", jm.url());

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("writes its checkpoints to file:" + base.resolve("checkpoints").resolve(JOB).resolve("chk-12"))
                .contains("not in --store");
    }

    @Test
    void noRunningJobWithoutSnapshotsInStorageIsExit3AtAManagedTarget() {
        jm.answer("GET", "/jobs/overview", jm.body("jobs-overview-none-running.json", Map.of("first", OTHER_JOB, "other", OTHER_JOB)));
        assertThat(Cli.run("promote", "--store", store(), "--jobmanager", jm.url()).exitCode()).isEqualTo(ExitCodes.UNKNOWN_TARGET);
        Cli.succeeds("init", "--store", store());

        Cli.Run run = Cli.run("promote", "--store", store(), "--jobmanager", jm.url());

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.NOTHING_TO_PROMOTE);
        assertThat(run.err()).contains("no job is running").contains("has no complete snapshot left");
    }

    @Test
    void noRunningJobFallsBackToTheNewestMatchingJobWithSnapshots() {
        jm.answer("GET", "/jobs/overview", jm.body("jobs-overview-none-running.json", Map.of("first", JOB, "other", OTHER_JOB)));
        jm.answer("GET", "/jobs/" + JOB + "/checkpoints", withCompleted(jm.body("checkpoints-canceled.json", Map.of("first", JOB)), 12));

        Cli.Run run = Cli.succeeds("promote", "--store", store(), "--jobmanager", jm.url(), "--job-name", "counter");

        assertThat(run.out()).startsWith("PROMOTED checkpoint 12 of job " + JOB);
    }

    @Test
    void aJobThatStartedEmptyIsRefusedOverExistingStateWithExit5UnlessAllowed() throws Exception {
        // last-state holds checkpoint 12 of an earlier deployment
        assertThat(Cli.run("promote", "--store", store()).exitCode()).isZero();
        CheckpointTree other = CheckpointTree.inDirectory(base.resolve("checkpoints"));
        other.checkpoint(OTHER_JOB, 1, 2);
        jm.answer("GET", "/jobs/overview", jm.body("jobs-overview-one-running.json", Map.of("first", OTHER_JOB)));
        jm.answer("GET", "/jobs/" + OTHER_JOB + "/checkpoints", jm.edit(jm.body("checkpoints-running.json", Map.of("first", OTHER_JOB)),
                root -> ((ObjectNode) root.get("latest").get("completed")).put("id", 1)
                        .put("external_path", "file:" + base.resolve("checkpoints").resolve(OTHER_JOB).resolve("chk-1"))));
        Map<String, String> before = fingerprint(tree.lastState().toLocalPath());

        Cli.Run refused = Cli.run("promote", "--store", store(), "--jobmanager", jm.url());

        assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(ExitCodes.REFUSED);
        assertThat(refused.err()).contains("job " + OTHER_JOB + " started without restoring state")
                .contains(uriOf(tree.lastState().toLocalPath()) + " holds checkpoint 12 of job " + JOB)
                .contains("--allow-fresh-start");
        assertThat(fingerprint(tree.lastState().toLocalPath())).isEqualTo(before);

        Cli.Run allowed = Cli.succeeds("promote", "--store", store(), "--jobmanager", jm.url(), "--allow-fresh-start");
        assertThat(allowed.out()).startsWith("PROMOTED checkpoint 1 of job " + OTHER_JOB);
    }

    @Test
    void aNamedJobThatStartedEmptyIsStillRefusedOverExistingState() throws Exception {
        assertThat(Cli.run("promote", "--store", store()).exitCode()).isZero(); // chk-12 of JOB in last-state
        CheckpointTree.inDirectory(base.resolve("checkpoints")).checkpoint(OTHER_JOB, 1, 2);
        jm.answer("GET", "/jobs/overview", jm.body("jobs-overview-one-running.json", Map.of("first", OTHER_JOB)));
        jm.answer("GET", "/jobs/" + OTHER_JOB + "/checkpoints", jm.edit(jm.body("checkpoints-running.json", Map.of("first", OTHER_JOB)),
                root -> ((ObjectNode) root.get("latest").get("completed")).put("id", 1)
                        .put("external_path", "file:" + base.resolve("checkpoints").resolve(OTHER_JOB).resolve("chk-1"))));

        Cli.Run refused = Cli.run("promote", "--store", store(), "--jobmanager", jm.url(), "--job-id", OTHER_JOB);

        assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(ExitCodes.REFUSED);
        assertThat(refused.err()).contains("job " + OTHER_JOB + " started without restoring state");
    }

    @Test
    void aJobRestoredFromLastStateContinuesTheLineage() throws Exception {
        assertThat(Cli.run("promote", "--store", store(), "--job-id", JOB).exitCode()).isZero(); // chk-12 in last-state
        CheckpointTree restored = CheckpointTree.inDirectory(base.resolve("checkpoints"));
        restored.checkpoint(OTHER_JOB, 13, 2); // ids continue across a restore
        jm.answer("GET", "/jobs/overview", jm.body("jobs-overview-restored.json", Map.of("restored", OTHER_JOB, "first", JOB)));
        jm.answer("GET", "/jobs/" + OTHER_JOB + "/checkpoints", jm.edit(jm.body("checkpoints-restored.json", Map.of("restored", OTHER_JOB)),
                root -> {
                    ObjectNode latest = (ObjectNode) root.get("latest");
                    latest.putObject("completed").put("id", 13)
                            .put("external_path", "file:" + base.resolve("checkpoints").resolve(OTHER_JOB).resolve("chk-13"));
                    ((ObjectNode) latest.get("restored")).put("id", 12).put("external_path", "file:" + tree.lastState().toLocalPath());
                }));

        Cli.Run run = Cli.succeeds("promote", "--store", store(), "--jobmanager", jm.url());

        assertThat(run.out()).startsWith("PROMOTED checkpoint 13 of job " + OTHER_JOB);
    }

    @Test
    void anUnreachableJobManagerIsExit4WithinTheTimeout() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        long started = System.nanoTime();
        Cli.Run run = Cli.run("promote", "--store", store(), "--jobmanager", "http://127.0.0.1:" + port, "--connect-timeout", "1s");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.STORE_FAILURE);
        assertThat(run.errLines()).singleElement().asString().startsWith("laststate: cannot reach the JobManager");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void aSilentJobManagerIsExit4AfterTheReadTimeout() {
        jm.answer("GET", "/jobs/overview", new MockResponse().setSocketPolicy(SocketPolicy.NO_RESPONSE));
        long started = System.nanoTime();

        Cli.Run run = Cli.run(Map.of("LASTSTATE_READ_TIMEOUT", "300ms"), "promote", "--store", store(), "--jobmanager", jm.url());

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.STORE_FAILURE);
        assertThat(run.err()).contains("did not answer GET").contains("read timeout 300 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void malformedJsonIsExit4OnOneLine() {
        jm.answer("GET", "/jobs/overview", "{\"jobs\": [");

        Cli.Run run = Cli.run("promote", "--store", store(), "--jobmanager", jm.url());

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.STORE_FAILURE);
        assertThat(run.errLines()).singleElement().asString().startsWith("laststate: the JobManager's answer to GET ")
                .contains("is not valid JSON");
    }

    @Test
    void theTokenIsSentButNeverPrintedEvenVerbose() {
        String token = "tkn-9c1d2e3f4a5b";
        jm.answer("GET", "/jobs/overview", new MockResponse().setResponseCode(403)
                .setBody("{\"errors\":[\"token " + token + " is not allowed\"]}"));

        Cli.Run run = Cli.run(Map.of("LASTSTATE_JOBMANAGER_TOKEN", token), "promote", "--store", store(), "--jobmanager", jm.url(),
                "--verbose");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.STORE_FAILURE);
        assertThat(jm.requests.get(0).getHeader("Authorization")).isEqualTo("Bearer " + token);
        assertThat(run.err()).contains("HTTP 403").contains(Redactor.MASK).doesNotContain(token);
        assertThat(run.out()).doesNotContain(token);
    }

    @Test
    void basicCredentialsComeFromTheEnvironmentInPairs() {
        Cli.Run run = Cli.run(Map.of("LASTSTATE_JOBMANAGER_USER", "flink"), "promote", "--store", store(), "--jobmanager", jm.url());

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("LASTSTATE_JOBMANAGER_USER and LASTSTATE_JOBMANAGER_PASSWORD go together");
    }

    @Test
    void badConnectionFlagsAreExit2() {
        assertThat(Cli.run("promote", "--store", store(), "--jobmanager", jm.url(), "--connect-timeout", "soon").exitCode())
                .isEqualTo(ExitCodes.USAGE);
        assertThat(Cli.run("promote", "--store", store(), "--jobmanager", "ftp://jm:21").exitCode()).isEqualTo(ExitCodes.USAGE);
        Cli.Run withUser = Cli.run("promote", "--store", store(), "--jobmanager", "http://admin:hunter2@jm:8081");
        assertThat(withUser.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(withUser.err()).contains("must not hold credentials");
        Cli.Run missingCa = Cli.run("promote", "--store", store(), "--jobmanager", "https://127.0.0.1:1", "--jobmanager-ca",
                base.resolve("no-such-ca.pem").toString());
        assertThat(missingCa.exitCode()).as(missingCa.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(jm.requests).isEmpty();
    }
}
