package dev.laststate.rest;

import dev.laststate.flink.FlinkLayout;
import dev.laststate.flink.Lineage;
import dev.laststate.flink.NothingToPromoteException;
import dev.laststate.flink.SnapshotFinder;
import dev.laststate.job.JobInfo;
import dev.laststate.job.JobSelectionException;
import dev.laststate.job.JobSource;
import dev.laststate.rest.FlinkRestClient.CheckpointStats;
import dev.laststate.rest.FlinkRestClient.JobOverview;
import dev.laststate.rest.FlinkRestClient.SnapshotStats;
import dev.laststate.store.CheckpointStore;
import dev.laststate.store.InvalidStoreUriException;
import dev.laststate.store.StoreUri;
import dev.laststate.store.file.LocalPaths;
import java.io.IOException;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Collectors;

/**
 * The job a JobManager runs, with its lineage and a lower bound from its checkpoint statistics.
 *
 * <p>Choice: the one RUNNING job (of that name or id, if given); several running is an error naming
 * them; none running falls back to the most recently started matching job, if its snapshots are still in
 * storage. The answer is a hint, storage is the truth: the statistics are cached and lag storage, so they
 * give only a lower bound ({@code latest.completed}), and where the job writes its checkpoints, which
 * must be below the checkpoint directory laststate was given. A job without {@code latest.restored}
 * started empty.
 */
public final class FlinkRestJobSource implements JobSource {

    private static final Comparator<JobOverview> MOST_RECENTLY_STARTED =
            Comparator.comparing(JobOverview::startTime).thenComparing(JobOverview::jobId).reversed();

    private final FlinkRestClient client;
    private final Optional<String> jobName;
    private final Optional<String> jobId;
    private final SnapshotFinder finder;
    private final StoreUri checkpoints;
    private final Optional<StoreUri> savepoints;

    /**
     * @param jobName only jobs of this name
     * @param jobId only this job
     * @param store the store holding {@code checkpoints}
     * @param checkpoints the checkpoint directory laststate promotes from
     * @param savepoints a savepoint directory laststate also considers
     */
    public FlinkRestJobSource(FlinkRestClient client, Optional<String> jobName, Optional<String> jobId, CheckpointStore store,
                              StoreUri checkpoints, Optional<StoreUri> savepoints) {
        this.client = Objects.requireNonNull(client, "client");
        this.jobName = Objects.requireNonNull(jobName, "jobName");
        this.jobId = jobId.map(FlinkLayout::requireJobId);
        this.finder = new SnapshotFinder(store);
        this.checkpoints = Objects.requireNonNull(checkpoints, "checkpoints");
        this.savepoints = Objects.requireNonNull(savepoints, "savepoints");
    }

    /**
     * The job to promote.
     *
     * @throws JobSelectionException when several jobs run and none was named, or when the job's
     *     checkpoints are outside the checkpoint directory
     * @throws NothingToPromoteException when no matching job is found, or none runs and the newest has no
     *     snapshot in storage
     * @throws JobManagerException when the JobManager cannot be asked
     */
    @Override
    public JobInfo job() throws IOException, NothingToPromoteException, JobSelectionException {
        JobOverview job = choose(false);
        return describe(job, client.checkpoints(job.jobId()));
    }

    /**
     * The one running matching job, for actions that need a running job (a savepoint).
     *
     * @throws JobSelectionException when several jobs run and none was named, or when the job's
     *     checkpoints are outside the checkpoint directory
     * @throws NothingToPromoteException when no matching job is known, or none of them runs
     * @throws JobManagerException when the JobManager cannot be asked
     */
    @Override
    public JobInfo runningJob() throws IOException, NothingToPromoteException, JobSelectionException {
        JobOverview job = choose(true);
        return describe(job, client.checkpoints(job.jobId()));
    }

    private JobOverview choose(boolean mustRun) throws IOException, NothingToPromoteException, JobSelectionException {
        List<JobOverview> matching = client.jobs().stream()
                .filter(j -> jobName.isEmpty() || j.name().equals(jobName.get()))
                .filter(j -> jobId.isEmpty() || j.jobId().equals(jobId.get()))
                .sorted(MOST_RECENTLY_STARTED)
                .toList();
        if (matching.isEmpty()) {
            throw new NothingToPromoteException("the JobManager at " + client.url() + " knows no job" + filterText());
        }
        List<JobOverview> running = matching.stream().filter(JobOverview::running).toList();
        if (running.size() > 1) {
            throw new JobSelectionException(running.size() + " jobs are running at " + client.url() + filterText() + ": "
                    + running.stream().map(JobOverview::describe).collect(Collectors.joining(", "))
                    + "; name one with --job-name or --job-id");
        }
        if (running.size() == 1) {
            return running.get(0);
        }
        JobOverview newest = matching.get(0);
        if (mustRun) {
            throw new NothingToPromoteException("no job" + filterText() + " is running at " + client.url()
                    + "; the most recently started is " + newest.describe());
        }
        if (finder.newest(checkpoints, savepoints, newest.jobId()).isEmpty()) {
            throw new NothingToPromoteException("no job" + filterText() + " is running at " + client.url()
                    + ", and the most recently started, " + newest.describe() + ", has no complete snapshot left in "
                    + checkpoints.resolve(newest.jobId()) + savepoints.map(s -> " or " + s).orElse(""));
        }
        return newest;
    }

    private JobInfo describe(JobOverview job, CheckpointStats stats) throws JobSelectionException {
        Optional<SnapshotStats> completed = stats.completed();
        if (completed.isPresent() && completed.get().externalPath().isPresent()) {
            String path = completed.get().externalPath().get();
            if (!within(path, checkpoints)) {
                throw new JobSelectionException("job " + job.describe() + " writes its checkpoints to " + path
                        + ", which is not in --store " + checkpoints + "; pass its checkpoint directory as --store");
            }
        }
        long bound = -1;
        if (completed.isPresent()) {
            bound = completed.get().id();
        }
        // A savepoint counts only where laststate looks for savepoints; elsewhere it is the user's business.
        Optional<SnapshotStats> savepoint = stats.savepoint();
        if (savepoint.isPresent() && savepoint.get().externalPath().isPresent()
                && (within(savepoint.get().externalPath().get(), checkpoints)
                    || savepoints.isPresent() && within(savepoint.get().externalPath().get(), savepoints.get()))) {
            bound = Math.max(bound, savepoint.get().id());
        }
        Lineage lineage = stats.restored().isPresent() ? Lineage.RESTORED : Lineage.STARTED_EMPTY;
        return new JobInfo(job.jobId(), Optional.of(job.name()), lineage, "JobManager " + client.url(),
                bound < 0 ? OptionalLong.empty() : OptionalLong.of(bound));
    }

    /**
     * Whether a path Flink reports ({@code file:/x}, {@code s3a://b/x}, ...) lies in {@code dir}. Flink's
     * file system schemes name the same storage several ways (s3, s3a, s3p; abfs, abfss; wasb, wasbs).
     */
    static boolean within(String reported, StoreUri dir) {
        StoreUri uri;
        try {
            uri = StoreUri.parse(reported);
        } catch (InvalidStoreUriException e) {
            return false;
        }
        // The checkpoint directory was given with its links resolved; resolve what Flink reports the same way.
        uri = LocalPaths.realPath(uri);
        StoreUri a = new StoreUri(family(uri.scheme()), uri.authority(), uri.path());
        StoreUri b = new StoreUri(family(dir.scheme()), dir.authority(), dir.path());
        return a.equals(b) || b.contains(a);
    }

    private static String family(String scheme) {
        return switch (scheme.toLowerCase(Locale.ROOT)) {
            case "s3a", "s3n", "s3p" -> "s3";
            case "abfs" -> "abfss";
            case "wasb" -> "wasbs";
            default -> scheme;
        };
    }

    private String filterText() {
        String text = jobName.map(n -> " named '" + n + "'").orElse("");
        return text + jobId.map(id -> " with id " + id).orElse("");
    }
}
