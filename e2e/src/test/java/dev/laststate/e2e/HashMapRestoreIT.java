package dev.laststate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.laststate.e2e.LastStateCli.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.apache.flink.core.execution.JobClient;
import org.junit.jupiter.api.Test;

/**
 * Scenarios 1, 2 and 6 with the hashmap state backend: what {@code laststate promote} copies to
 * {@code last-state}, Flink restores, with every counter continued; a {@code _metadata}-only copy does not
 * restore; CLAIM mode deletes the promoted directory.
 */
class HashMapRestoreIT extends FlinkClusterTest {

    /** Scenario 1: promote after cancel, restore from last-state; the old _metadata-only seed fails to restore. */
    @Test
    void promotedCheckpointRestoresAndMetadataOnlyCopyDoesNot() throws Exception {
        FlinkCluster.StoppedJob first = flink.checkpointThenCancel("s1-first", checkpoints, 3);
        String jobId = first.jobId();
        long id = first.lastCheckpoint();

        Run promote = laststate.run("promote", "--store", checkpoints.toString(), "--job-id", jobId, "--verify");
        assertThat(promote.exitCode()).as(promote.toString()).isZero();
        assertThat(promote.outLines().get(0)).startsWith("PROMOTED checkpoint " + id + " of job " + jobId);
        assertThat(promote.outLines().get(1)).startsWith("RESTORABLE checkpoint " + id);
        assertThat(FlinkCluster.countFiles(lastState)).as("state files, _metadata and the pointer record").isGreaterThan(2);

        // The old seed: chk-n/_metadata alone. verify catches it; Flink cannot restore it.
        Path seed = Files.createDirectories(dir.resolve("metadata-only"));
        Files.copy(checkpoints.resolve(jobId).resolve("chk-" + id).resolve("_metadata"), seed.resolve("_metadata"));
        Run verifySeed = laststate.run("verify", "--target", seed.toString());
        assertThat(verifySeed.exitCode()).as(verifySeed.toString()).isEqualTo(6);
        assertThat(verifySeed.out()).contains("missing: " + seed.toUri().toString().replaceFirst("file:/+", "file:///"));
        JobClient fromSeed = flink.start("s1-metadata-only", checkpoints, Optional.of(seed), false);
        String failure = Scenarios.awaitFailure(fromSeed);
        System.out.println("MEASURED restore from a _metadata-only copy failed:\n" + failure);
        assertThat(failure).contains(seed.toString());

        Scenarios.assertRestoresAndContinues(flink, "s1-restored", checkpoints, lastState, id);
    }

    /** Scenario 2: the restored job's newer checkpoints (ids continue) promote normally, and restore. */
    @Test
    void restoredJobsNewerCheckpointsPromote() throws Exception {
        long id = promotedAfterCancel("s2-first", checkpoints).lastCheckpoint();

        JobClient second = flink.start("s2-second", checkpoints, Optional.of(lastState), false);
        String secondId = second.getJobID().toString();
        Scenarios.assertCountersContinued("s2-second", id);
        long newer = FlinkCluster.awaitCheckpoint(checkpoints.resolve(secondId), id + 3);
        FlinkCluster.cancel(second);
        newer = FlinkCluster.latestCheckpoint(checkpoints.resolve(secondId)).orElseThrow();

        Run promote = laststate.run("promote", "--store", checkpoints.toString(), "--job-id", secondId, "--verify");
        assertThat(promote.exitCode()).as(promote.toString()).isZero();
        assertThat(promote.outLines().get(0)).startsWith("PROMOTED checkpoint " + newer + " of job " + secondId);
        Run status = laststate.run("status", "--store", checkpoints.toString());
        assertThat(status.out()).contains("checkpoint id: " + newer);

        Scenarios.assertRestoresAndContinues(flink, "s2-third", checkpoints, lastState, newer);
    }

    /** Scenario 6: restoring with CLAIM lets Flink delete last-state; resolve advises NO_CLAIM. */
    @Test
    void claimModeDeletesThePromotedDirectory() throws Exception {
        long id = promotedAfterCancel("s6-first", checkpoints).lastCheckpoint();
        long before = FlinkCluster.countFiles(lastState);

        Run resolve = laststate.run("resolve", "--store", checkpoints.toString());
        assertThat(resolve.exitCode()).as(resolve.toString()).isZero();
        assertThat(resolve.err()).contains("NO_CLAIM");

        JobClient claimed = flink.start("s6-claim", checkpoints, Optional.of(lastState), true);
        Scenarios.assertCountersContinued("s6-claim", id);
        FlinkCluster.awaitCheckpoint(checkpoints.resolve(claimed.getJobID().toString()), id + 3);
        FlinkCluster.await("Flink deleting the claimed last-state/_metadata", () -> !Files.exists(lastState.resolve("_metadata")));
        long after = FlinkCluster.countFiles(lastState);
        System.out.printf("MEASURED CLAIM restore: last-state held %d files before, %d after (%s)%n", before, after,
                Files.exists(lastState) ? "directory kept" : "directory deleted");
        assertThat(after).as("only laststate's pointer record is left").isEqualTo(1);
        FlinkCluster.cancel(claimed);

        Run verify = laststate.run("verify", "--store", checkpoints.toString());
        assertThat(verify.exitCode()).as(verify.toString()).isEqualTo(6);
    }

    /** The set-up of scenarios 2 and 6: {@code run} checkpointed until checkpoint 3, cancelled, and promoted. */
    private FlinkCluster.StoppedJob promotedAfterCancel(String run, Path checkpoints) throws Exception {
        FlinkCluster.StoppedJob job = flink.checkpointThenCancel(run, checkpoints, 3);
        Run promote = laststate.run("promote", "--store", checkpoints.toString(), "--job-id", job.jobId());
        assertThat(promote.exitCode()).as(promote.toString()).isZero();
        return job;
    }
}
