package dev.laststate.cli;

import dev.laststate.flink.PromotionRequest;
import dev.laststate.flink.PromotionResult;
import dev.laststate.rest.FlinkRestClient;
import dev.laststate.rest.FlinkRestClient.SavepointStatus;
import dev.laststate.job.JobInfo;
import dev.laststate.rest.JobManagerConnection;
import dev.laststate.rest.JobManagerException;
import dev.laststate.store.CheckpointStore;
import dev.laststate.store.StoreUri;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

@Command(name = "savepoint", sortOptions = false,
        description = "Take a savepoint of the running job through its JobManager (with --stop: stop the job with a "
                + "savepoint, for planned upgrades), wait for it, then promote that savepoint's whole directory to the target.")
final class SavepointCommand extends StoreCommand {

    @Mixin
    private TargetOption target;

    @Mixin
    private JobManagerOptions jobManager;

    @Option(names = "--job-id", paramLabel = "HEX", defaultValue = "${env:LASTSTATE_JOB_ID}",
            description = "The running job (32 hex digits); default: the one running job. Env: LASTSTATE_JOB_ID.")
    private String jobId;

    @Option(names = "--savepoints", paramLabel = "URI", defaultValue = "${env:LASTSTATE_SAVEPOINTS}",
            description = "Where Flink writes the savepoint; default: the JobManager's configured savepoint directory. "
                    + "Must be in the store of --store. Env: LASTSTATE_SAVEPOINTS.")
    private String savepoints;

    @Option(names = "--stop", defaultValue = "${env:LASTSTATE_STOP:-false}", description = "Stop the job with the savepoint (POST /jobs/<id>/stop) instead of keeping it running. Env: LASTSTATE_STOP.")
    private boolean stop;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "${env:LASTSTATE_TIMEOUT:-10m}",
            description = "How long to wait for the savepoint (default 10m). Env: LASTSTATE_TIMEOUT.")
    private String timeout = "10m";

    @Option(names = "--poll-interval", paramLabel = "DURATION", defaultValue = "${env:LASTSTATE_POLL_INTERVAL:-1s}",
            hidden = true, description = "How often the savepoint's status is asked for (default 1s). Env: LASTSTATE_POLL_INTERVAL.")
    private String pollInterval = "1s";

    @Mixin
    private PromotionOptions promotion;

    @Mixin
    private OutputOptions output;

    @Override
    public Integer call() throws Exception {
        StoreUri checkpoints = store.checkpoints();
        Optional<StoreUri> savepointDir = store.location(savepoints, "--savepoints", checkpoints);
        StoreUri targetDir = target.resolve(store, checkpoints);
        if (!jobManager.given()) {
            throw new ParameterException(spec.commandLine(), "Missing required option: '--jobmanager=URL' (or LASTSTATE_JOBMANAGER)");
        }
        JobManagerConnection connection = jobManager.connection();
        Duration wait = jobManager.duration(timeout, "--timeout");
        Duration poll = jobManager.duration(pollInterval, "--poll-interval");
        JobChoice choice = new JobChoice(Optional.ofNullable(jobId), jobManager.jobName());

        try (CheckpointStore opened = store.open(checkpoints); FlinkRestClient client = new FlinkRestClient(connection)) {
            JobInfo job = choice.source(Optional.of(client), opened, checkpoints, savepointDir).runningJob();
            String trigger = client.triggerSavepoint(job.jobId(), savepointDir.map(StoreUri::toString), stop);
            String location = await(client, job.jobId(), trigger, wait, poll);
            // Flink names the savepoint in its own spelling (file:/x, s3a://...); it must be in this run's store.
            StoreUri snapshot = store.location(location, "the savepoint", checkpoints).orElseThrow();
            PromotionRequest request = promotion.applyTo(PromotionRequest.builder(checkpoints, job.jobId())
                    .savepoints(savepointDir)
                    .target(targetDir)
                    .lineage(job.lineage())
                    .snapshot(Optional.of(snapshot))
                    .build());
            PromotionResult result = promotion.promoter(opened).promote(request);
            return output.print(new PromotionReport(result, Optional.empty()));
        }
    }

    /** Polls until the savepoint completes; a failure or the timeout is a JobManager failure (exit 4). */
    private static String await(FlinkRestClient client, String jobId, String trigger, Duration wait, Duration poll)
            throws JobManagerException, InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            SavepointStatus status = client.savepointStatus(jobId, trigger);
            if (status.done()) {
                if (status.failure().isPresent()) {
                    throw new JobManagerException("the savepoint of job " + jobId + " failed: " + status.failure().get(), null);
                }
                return status.location().orElseThrow();
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new JobManagerException("the savepoint of job " + jobId + " did not complete within " + wait
                        .toString().substring(2).toLowerCase(java.util.Locale.ROOT) + " (trigger " + trigger
                        + "); it may still complete: check the JobManager, or run again with a longer --timeout", null);
            }
            Thread.sleep(Math.min(poll.toMillis(), Math.max(1, left / 1_000_000)));
        }
    }
}
