package dev.laststate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.laststate.e2e.LastStateCli.Run;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
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

    private static final ObjectMapper JSON = new ObjectMapper();

    RocksDbIncrementalIT() {
        super(FlinkCluster.Backend.ROCKSDB_INCREMENTAL);
    }

    @Test
    void relocatedPromotionsOfARunningJobRestoreAfterItsJobDirectoryIsGone() throws Exception {
        JobClient running = flink.start("s5-relocated", checkpoints, Optional.empty(), false);
        String jobId = running.getJobID().toString();
        Path jobDir = checkpoints.resolve(jobId);
        Path shared = jobDir.resolve("shared");
        FlinkCluster.awaitCheckpoint(jobDir, 2);

        // Five promotions while the job runs, each a few checkpoints after the one before.
        Set<Path> promotedShared = new LinkedHashSet<>();
        long promoted = 0;
        long copiedAfterFirst = 0;
        long filesAfterFirst = 0;
        for (int promotion = 1; promotion <= 5; promotion++) {
            FlinkCluster.awaitCheckpoint(jobDir, FlinkCluster.latestCheckpoint(jobDir).orElse(0) + 3);
            Run run = laststate.run("promote", "--store", checkpoints.toString(), "--job-id", jobId);
            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.out()).startsWith("PROMOTED checkpoint ");
            long id = Long.parseLong(run.out().replaceFirst("(?s)^PROMOTED checkpoint (\\d+) .*", "$1"));
            assertThat(id).as("promotion %d", promotion).isGreaterThan(promoted);
            promoted = id;
            JsonNode record = JSON.readTree(lastState.resolve("_laststate.json").toFile());
            long referenced = 0;
            for (JsonNode copy : record.get("relocated")) {
                Path source = Path.of(URI.create(copy.get("source").asText()));
                if (source.startsWith(shared)) {
                    promotedShared.add(source);
                    referenced++;
                }
            }
            assertThat(referenced).as("the promoted checkpoint references shared files").isPositive();
            if (promotion > 1) {
                copiedAfterFirst += Long.parseLong(run.out().replaceFirst("(?s)^.*: (\\d+) files, (\\d+) bytes.*", "$2"));
                filesAfterFirst += Long.parseLong(run.out().replaceFirst("(?s)^.*: (\\d+) files, .*", "$1"));
            }
            System.out.printf("MEASURED relocated promotion %d of a running job: %s%n", promotion, run.outLines().get(0));
        }
        Run verify = laststate.run("verify", "--store", checkpoints.toString());
        assertThat(verify.exitCode()).as(verify.toString()).isZero();
        assertThat(verify.outLines().get(0)).startsWith("RESTORABLE checkpoint " + promoted).contains(" 0 absolute)");

        // Flink deletes shared files that no retained checkpoint needs: some promoted generation's are among them,
        // or this test would prove nothing about relocation.
        FlinkCluster.await("Flink to delete a shared file of a promoted checkpoint",
                () -> promotedShared.stream().anyMatch(p -> !Files.exists(p)));
        long deletedByFlink = promotedShared.stream().filter(p -> !Files.exists(p)).count();
        FlinkCluster.cancel(running);
        FlinkCluster.deleteRecursively(jobDir);
        System.out.printf("MEASURED relocated: %d of %d shared files promoted were deleted by Flink while the job ran;"
                + " promotions 2-5 copied %d files, %d bytes; job directory deleted%n",
                deletedByFlink, promotedShared.size(), filesAfterFirst, copiedAfterFirst);

        Map<Path, Long> before = sizes(lastState);
        Scenarios.assertRestoresAndContinues(flink, "s5-relocated-restored", checkpoints, lastState, promoted);
        Scenarios.assertRestoresAndContinues(flink, "s5-relocated-restored-again", checkpoints, lastState, promoted);
        assertThat(sizes(lastState)).as("the restores left last-state as it was").isEqualTo(before);
    }

    private static Map<Path, Long> sizes(Path dir) throws IOException {
        Map<Path, Long> sizes = new TreeMap<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                sizes.put(dir.relativize(file), Files.size(file));
            }
        }
        return sizes;
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
        // download's registry, and the failure Flink reports is either that file or a download that found
        // the registry closed (seen in CI, with the missing file nowhere in the exception).
        assertThat(failure).containsAnyOf(jobDir.resolve("shared").toString(), "registry is already closed");

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
