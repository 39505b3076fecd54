package dev.laststate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.laststate.e2e.LastStateCli.Run;
import java.nio.file.Path;
import java.util.Optional;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * laststate asking the MiniCluster's REST endpoint ({@code --jobmanager http://127.0.0.1:<port>}): scenario 1
 * through REST, scenario 3 (a job started empty is refused and {@code last-state} still restores) and scenario
 * 4 ({@code savepoint}, then {@code savepoint --stop}, then restore). Every scenario ends in a restore whose
 * counters continued.
 */
class RestIT extends FlinkClusterTest {

    private String jobManager;

    @BeforeAll
    void start() {
        jobManager = "http://127.0.0.1:" + flink.restAddress().getPort();
    }

    /** Scenario 1 through REST: the running job is found by name, promoted, cancelled, promoted again, restored. */
    @Test
    void promoteAskingTheJobManager() throws Exception {
        JobClient first = flink.start("r1-first", "r1-job", checkpoints, Optional.empty(), false, 1);
        String jobId = first.getJobID().toString();
        FlinkCluster.awaitCheckpoint(checkpoints.resolve(jobId), 3);

        Run running = laststate.run("promote", "--store", checkpoints.toString(), "--jobmanager", jobManager,
                "--job-name", "r1-job", "--verify");
        assertThat(running.exitCode()).as(running.toString()).isZero();
        assertThat(running.outLines().get(0)).startsWith("PROMOTED checkpoint ").contains(" of job " + jobId);

        FlinkCluster.cancel(first);
        long id = FlinkCluster.latestCheckpoint(checkpoints.resolve(jobId)).orElseThrow();
        // None running: the most recently started job of that name, whose last checkpoint storage still holds.
        Run stopped = laststate.run("promote", "--store", checkpoints.toString(), "--jobmanager", jobManager,
                "--job-name", "r1-job", "--verify");
        assertThat(stopped.exitCode()).as(stopped.toString()).isZero();
        assertThat(stopped.outLines().get(0)).matches("(PROMOTED|UNCHANGED) checkpoint " + id + " of job " + jobId + ".*");

        Scenarios.assertRestoresAndContinues(flink, "r1-restored", "r1-job", checkpoints, lastState, id);
    }

    /** Scenario 3: the job redeployed without its state is refused (exit 5); last-state still restores. */
    @Test
    void jobStartedEmptyIsRefused() throws Exception {
        FlinkCluster.StoppedJob first = flink.checkpointThenCancel("r3-first", "r3-job", checkpoints, 3);
        String firstId = first.jobId();
        long id = first.lastCheckpoint();
        Run promote = laststate.run("promote", "--store", checkpoints.toString(), "--jobmanager", jobManager, "--job-name", "r3-job");
        assertThat(promote.exitCode()).as(promote.toString()).isZero();

        JobClient empty = flink.start("r3-empty", "r3-job", checkpoints, Optional.empty(), false, 1);
        FlinkCluster.awaitCheckpoint(checkpoints.resolve(empty.getJobID().toString()), 3);
        Run refused = laststate.run("promote", "--store", checkpoints.toString(), "--jobmanager", jobManager, "--job-name", "r3-job");
        assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(5);
        assertThat(refused.err().lines().toList()).singleElement().asString().startsWith("laststate: ");
        FlinkCluster.cancel(empty);
        Run status = laststate.run("status", "--store", checkpoints.toString());
        assertThat(status.out()).contains("job id:        " + firstId, "checkpoint id: " + id);

        Scenarios.assertRestoresAndContinues(flink, "r3-restored", "r3-job", checkpoints, lastState, id);
    }

    /** Scenario 4: savepoint (the job keeps running), savepoint --stop (the job stops), restore from last-state. */
    @Test
    void savepointAndStopWithSavepoint() throws Exception {
        Path savepoints = dir.resolve("savepoints");
        JobClient first = flink.start("r4-first", "r4-job", checkpoints, Optional.empty(), false, 1);
        String jobId = first.getJobID().toString();
        FlinkCluster.awaitCheckpoint(checkpoints.resolve(jobId), 2);

        Run savepoint = laststate.run("savepoint", "--store", checkpoints.toString(), "--savepoints", savepoints.toString(),
                "--jobmanager", jobManager, "--job-name", "r4-job", "--timeout", "60s");
        assertThat(savepoint.exitCode()).as(savepoint.toString()).isZero();
        assertThat(savepoint.out()).contains("savepoint-" + jobId.substring(0, 6));
        assertThat(FlinkCluster.status(first)).isEqualTo(JobStatus.RUNNING);

        Run stop = laststate.run("savepoint", "--stop", "--store", checkpoints.toString(), "--savepoints", savepoints.toString(),
                "--jobmanager", jobManager, "--job-name", "r4-job", "--timeout", "60s");
        assertThat(stop.exitCode()).as(stop.toString()).isZero();
        FlinkCluster.await("the job stopped", () -> FlinkCluster.status(first).isGloballyTerminalState());
        Run verify = laststate.run("verify", "--store", checkpoints.toString(), "--output", "json");
        assertThat(verify.exitCode()).as(verify.toString()).isZero();
        long id = Long.parseLong(verify.out().replaceFirst("(?s).*\"checkpointId\":(\\d+).*", "$1"));
        System.out.println("MEASURED savepoint --stop promoted: " + stop.out().strip());

        Scenarios.assertRestoresAndContinues(flink, "r4-restored", "r4-job", checkpoints, lastState, id);
    }
}
