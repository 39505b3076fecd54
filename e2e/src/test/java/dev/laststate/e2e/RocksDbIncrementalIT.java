package dev.laststate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.laststate.e2e.LastStateCli.Run;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.core.execution.JobClient;
import org.junit.jupiter.api.Test;

/**
 * Scenario 5, incremental RocksDB: the checkpoint's SST files live in {@code <job>/shared/}, referenced by
 * absolute path and deleted by Flink once no retained checkpoint needs them. A relocated promotion (the default)
 * copies them into the target and rewrites {@code _metadata} to point there, so what it promotes while the job
 * runs restores after Flink deleted them, and after the whole job directory is gone. A copy of the directory as it
 * is ({@code --no-relocate}) goes bad after the next compaction, and {@code verify} says so before anyone
 * restores it; such a copy taken after the job stopped restores.
 */
class RocksDbIncrementalIT extends FlinkClusterTest {

    RocksDbIncrementalIT() {
        super(FlinkCluster.Backend.ROCKSDB_INCREMENTAL);
    }

    @Test
    void relocatedPromotionsOfARunningJobRestoreAfterItsJobDirectoryIsGone() throws Exception {
        RelocatedRunningJob.Result result =
                RelocatedRunningJob.run(flink, RelocatedRunningJob.local(checkpoints, laststate), "s5-relocated");
        assertThat(result.lastSegments()).as("no file merging: whole files only").isZero();
        assertThat(result.lastSources()).as("outside chk-n: RocksDB's shared/ files").allMatch(s -> s.contains("/shared/"));
    }

    @Test
    void copyOfARunningJobIsCaughtByVerifyAndCopyAfterStopRestores() throws Exception {
        JobClient running = flink.start("s5-running", checkpoints, Optional.empty(), false);
        String jobId = running.getJobID().toString();
        Path jobDir = checkpoints.resolve(jobId);
        FlinkCluster.awaitCheckpoint(jobDir, 2);

        Run early = laststate.run("promote", "--store", checkpoints.toString(), "--job-id", jobId, "--no-relocate");
        assertThat(early.exitCode()).as(early.toString()).isZero();
        long promoted = Long.parseLong(early.out().replaceFirst("(?s)^PROMOTED checkpoint (\\d+) .*", "$1"));

        // RocksDB compacts its SST files and Flink deletes those no retained checkpoint references any more.
        long started = System.nanoTime();
        AtomicReference<Run> verify = new AtomicReference<>();
        FlinkCluster.await("verify to find shared files of checkpoint " + promoted + " deleted", () -> {
            verify.set(laststate.run("verify", "--store", checkpoints.toString()));
            return verify.get().exitCode() != 0;
        });
        long newest = FlinkCluster.latestCheckpoint(jobDir).orElseThrow();
        System.out.printf("MEASURED running-job copy of checkpoint %d unrestorable after %d ms (job at checkpoint %d): %s%n",
                promoted, (System.nanoTime() - started) / 1_000_000, newest, verify.get().outLines().get(0));
        assertThat(verify.get().exitCode()).as(verify.get().toString()).isEqualTo(6);
        assertThat(verify.get().out()).contains("missing: " + uri(jobDir.resolve("shared")));

        // Flink agrees: restoring that copy fails on the missing shared file.
        JobClient fromStale = flink.start("s5-stale", checkpoints, Optional.of(lastState), false);
        String failure = Scenarios.awaitFailure(fromStale);
        assertThat(failure).contains("Could not restore keyed state backend");
        // RocksDB downloads the files in parallel: the missing one fails its download and closes the
        // download's registry, and the failure Flink reports is that file, a download that found the registry
        // closed, or one whose channel was closed under it (both seen in CI, the missing file nowhere in them).
        assertThat(failure).containsAnyOf(jobDir.resolve("shared").toString(), "registry is already closed",
                "ClosedChannelException");

        FlinkCluster.cancel(running);
        long last = FlinkCluster.latestCheckpoint(jobDir).orElseThrow();
        Run afterStop = laststate.run("promote", "--store", checkpoints.toString(), "--job-id", jobId, "--verify", "--no-relocate");
        assertThat(afterStop.exitCode()).as(afterStop.toString()).isZero();
        assertThat(afterStop.outLines().get(0)).startsWith("PROMOTED checkpoint " + last + " of job " + jobId);
        assertThat(afterStop.outLines().get(1)).startsWith("RESTORABLE checkpoint " + last).contains(" absolute)");

        Scenarios.assertRestoresAndContinues(flink, "s5-restored", checkpoints, lastState, last);
    }

    private static String uri(Path path) {
        return path.toUri().toString().replaceFirst("^file:/+", "file:///").replaceFirst("/$", "");
    }
}
