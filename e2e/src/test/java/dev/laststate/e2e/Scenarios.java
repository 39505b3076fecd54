package dev.laststate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.laststate.e2e.CounterJob.Observation;
import java.net.URI;
import java.nio.file.Path;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;

/** Assertions the scenarios share. */
final class Scenarios {

    /** Elements a restored run must count before the test believes it continued. */
    static final int OBSERVATIONS = 40;

    private Scenarios() {}

    /**
     * The run resumed the source where the checkpoint left it (its first element is not 0) and every counter
     * continued from the checkpoint ({@code count == element / KEYS + 1} for all it saw).
     */
    static void assertCountersContinued(String run, long restoredCheckpoint) {
        FlinkCluster.await(run + " counting " + OBSERVATIONS + " elements", () -> CounterJob.observed(run).size() >= OBSERVATIONS);
        List<Observation> observed = CounterJob.observed(run);
        long first = observed.stream().mapToLong(Observation::element).min().orElseThrow();
        assertThat(first).as("%s resumed the source of checkpoint %d", run, restoredCheckpoint).isPositive();
        assertThat(observed).as("%s continued every counter of checkpoint %d", run, restoredCheckpoint)
                .allMatch(Observation::continued);
        assertThat(observed).as("counters above 1").anyMatch(o -> o.count() > 1);
        System.out.printf("MEASURED %s restored checkpoint %d: first element %d, %d observations, all continued%n",
                run, restoredCheckpoint, first, observed.size());
    }

    /** As below, on the local file system, under the Flink job name {@code run}. */
    static void assertRestoresAndContinues(FlinkCluster flink, String run, Path checkpoints, Path restoreFrom, long id)
            throws Exception {
        assertRestoresAndContinues(flink, run, run, checkpoints.toUri(), restoreFrom.toUri(), id);
    }

    /** As below, on the local file system. */
    static void assertRestoresAndContinues(FlinkCluster flink, String run, String jobName, Path checkpoints, Path restoreFrom,
            long id) throws Exception {
        assertRestoresAndContinues(flink, run, jobName, checkpoints.toUri(), restoreFrom.toUri(), id);
    }

    /** As below, under the Flink job name {@code run}. */
    static void assertRestoresAndContinues(FlinkCluster flink, String run, URI checkpoints, URI restoreFrom, long id)
            throws Exception {
        assertRestoresAndContinues(flink, run, run, checkpoints, restoreFrom, id);
    }

    /**
     * Starts the counter job {@code run} (Flink job name {@code jobName}) from {@code restoreFrom} in NO_CLAIM mode,
     * checks that it continued every counter of checkpoint {@code id} ({@link #assertCountersContinued}), and cancels it.
     */
    static void assertRestoresAndContinues(FlinkCluster flink, String run, String jobName, URI checkpoints, URI restoreFrom,
            long id) throws Exception {
        JobClient restored = flink.start(run, jobName, checkpoints, Optional.of(restoreFrom), false, 1);
        assertCountersContinued(run, id);
        FlinkCluster.cancel(restored);
    }

    /** Waits for the job to fail and returns its failure, flattened to one line per cause. */
    static String awaitFailure(JobClient job) throws Exception {
        FlinkCluster.await("job " + job.getJobID() + " failed", () -> FlinkCluster.status(job) == JobStatus.FAILED);
        try {
            job.getJobExecutionResult().get(30, TimeUnit.SECONDS);
            throw new AssertionError("job " + job.getJobID() + " failed but reported a result");
        } catch (ExecutionException e) {
            StringBuilder causes = new StringBuilder();
            describe(e, causes, Collections.newSetFromMap(new IdentityHashMap<>()));
            return causes.toString();
        }
    }

    /**
     * Every cause and every suppressed exception, depth first: a restore that downloads files in parallel
     * reports the first failure as the cause and may put the missing file's exception among the suppressed
     * ones of a later "registry is already closed" (seen in CI).
     */
    private static void describe(Throwable t, StringBuilder out, Set<Throwable> seen) {
        if (t == null || !seen.add(t)) {
            return;
        }
        out.append(t.getClass().getName()).append(": ").append(t.getMessage()).append('\n');
        for (Throwable suppressed : t.getSuppressed()) {
            describe(suppressed, out, seen);
        }
        describe(t.getCause(), out, seen);
    }
}
