package dev.laststate.flink;

import dev.laststate.store.StoreUri;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * What to promote and how. Start from {@link #of(StoreUri, String)} and change what differs.
 *
 * @param checkpoints the checkpoint directory (Flink's {@code execution.checkpointing.dir})
 * @param savepoints a savepoint directory to consider as well
 * @param target where the snapshot goes ({@code <checkpoints>/last-state} by default)
 * @param jobId the job whose state is promoted
 * @param lineage whether that job restored state or started empty, if known
 * @param mode copy (default) or pointer
 * @param dryRun decide, but write nothing
 * @param force promote even when a guard would refuse (an older snapshot, an unreadable pointer record,
 *     a target laststate did not write)
 * @param allowFreshStart promote a job that started empty over existing state
 * @param copyConcurrency how many objects are copied at once
 * @param maxAttempts how often selection and copy are tried again when the snapshot changes under them
 * @param minCheckpointId the oldest checkpoint id acceptable (what the JobManager reports as completed):
 *     storage holding nothing at least that new is an error, never a silent promotion of an older snapshot
 * @param snapshot a snapshot directory to promote instead of the newest one (a savepoint just taken);
 *     every guard still applies, so it is refused when it is older than what the target holds
 */
public record PromotionRequest(StoreUri checkpoints, Optional<StoreUri> savepoints, StoreUri target, String jobId,
                               Lineage lineage, PromotionMode mode, boolean dryRun, boolean force, boolean allowFreshStart,
                               int copyConcurrency, int maxAttempts,
                               OptionalLong minCheckpointId, Optional<StoreUri> snapshot) {

    private static final Pattern SAVEPOINT_DIRECTORY = Pattern.compile("savepoint-[0-9a-f]{6}-[0-9a-f]{12}");

    public PromotionRequest {
        Objects.requireNonNull(minCheckpointId, "minCheckpointId");
        Objects.requireNonNull(snapshot, "snapshot");
        Objects.requireNonNull(checkpoints, "checkpoints");
        Objects.requireNonNull(savepoints, "savepoints");
        Objects.requireNonNull(target, "target");
        FlinkLayout.requireJobId(jobId);
        Objects.requireNonNull(lineage, "lineage");
        Objects.requireNonNull(mode, "mode");
        if (copyConcurrency < 1 || copyConcurrency > 256) {
            throw new IllegalArgumentException("copy concurrency must be between 1 and 256, not " + copyConcurrency);
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1, not " + maxAttempts);
        }
        checkTarget(checkpoints, target, snapshot);
    }

    /**
     * Refuses a target that is not a place of its own: promoting writes its files there and later deletes
     * those of older generations, so it must not overlap a directory Flink or another snapshot owns.
     */
    private static void checkTarget(StoreUri checkpoints, StoreUri target, Optional<StoreUri> snapshot) {
        if (target.contains(checkpoints)) {
            throw new IllegalArgumentException("the target " + target + " must not be the checkpoint directory or contain it");
        }
        // Any job's directory, not only this job's: Flink deletes subsumed checkpoints in each of them, and
        // another job's chk-<n> is that job's state.
        if (checkpoints.contains(target)) {
            String first = checkpoints.relativize(target).split("/", 2)[0];
            if (FlinkLayout.isJobId(first)) {
                throw new IllegalArgumentException("the target " + target + " must not lie inside the job directory "
                        + checkpoints.resolve(first) + ", which Flink manages");
            }
        }
        if (snapshot.isPresent() && (target.contains(snapshot.get()) || snapshot.get().contains(target))) {
            throw new IllegalArgumentException("the target " + target + " must not be the snapshot being promoted ("
                    + snapshot.get() + "), lie inside it or contain it");
        }
        snapshotDirectoryIn(target, checkpoints).ifPresent(name -> {
            throw new IllegalArgumentException("the target " + target + " must not be or lie inside a checkpoint or "
                    + "savepoint directory ('" + name + "'): promoting there would replace or delete that snapshot's files");
        });
    }

    /**
     * The first segment of {@code target} named like a checkpoint or savepoint directory. Segments the target
     * shares with the checkpoint directory are not looked at: they are where the user keeps checkpoints, and
     * Flink's own snapshot directories lie below it.
     */
    private static Optional<String> snapshotDirectoryIn(StoreUri target, StoreUri checkpoints) {
        String[] segments = target.path().isEmpty() ? new String[0] : target.path().split("/");
        int shared = 0;
        if (target.scheme().equals(checkpoints.scheme()) && target.authority().equals(checkpoints.authority())
                && !checkpoints.path().isEmpty()) {
            String[] base = checkpoints.path().split("/");
            while (shared < Math.min(segments.length, base.length) && segments[shared].equals(base[shared])) {
                shared++;
            }
        }
        for (int i = shared; i < segments.length; i++) {
            if (FlinkLayout.checkpointId(segments[i]).isPresent() || isSavepointDirectory(segments[i])) {
                return Optional.of(segments[i]);
            }
        }
        return Optional.empty();
    }

    /** {@code savepoint-<first 6 hex of the job id>-<12 hex>}, of any job. */
    private static boolean isSavepointDirectory(String name) {
        return SAVEPOINT_DIRECTORY.matcher(name).matches();
    }

    /** The request without a lower bound and without a named snapshot. */
    public PromotionRequest(StoreUri checkpoints, Optional<StoreUri> savepoints, StoreUri target, String jobId,
                            Lineage lineage, PromotionMode mode, boolean dryRun, boolean force, boolean allowFreshStart,
                            int copyConcurrency, int maxAttempts) {
        this(checkpoints, savepoints, target, jobId, lineage, mode, dryRun, force, allowFreshStart, copyConcurrency,
                maxAttempts, OptionalLong.empty(), Optional.empty());
    }

    /** Copy mode into {@code <checkpoints>/last-state}, no savepoints, every guard on. */
    public static PromotionRequest of(StoreUri checkpoints, String jobId) {
        return new PromotionRequest(checkpoints, Optional.empty(), checkpoints.resolve(FlinkLayout.DEFAULT_TARGET), jobId,
                Lineage.UNKNOWN, PromotionMode.COPY, false, false, false, 8, 5);
    }

    public PromotionRequest withSavepoints(Optional<StoreUri> dir) {
        return new PromotionRequest(checkpoints, dir, target, jobId, lineage, mode, dryRun, force, allowFreshStart,
                copyConcurrency, maxAttempts, minCheckpointId, snapshot);
    }

    public PromotionRequest withTarget(StoreUri dir) {
        return new PromotionRequest(checkpoints, savepoints, dir, jobId, lineage, mode, dryRun, force, allowFreshStart,
                copyConcurrency, maxAttempts, minCheckpointId, snapshot);
    }

    public PromotionRequest withLineage(Lineage value) {
        return new PromotionRequest(checkpoints, savepoints, target, jobId, value, mode, dryRun, force, allowFreshStart,
                copyConcurrency, maxAttempts, minCheckpointId, snapshot);
    }

    public PromotionRequest withMode(PromotionMode value) {
        return new PromotionRequest(checkpoints, savepoints, target, jobId, lineage, value, dryRun, force, allowFreshStart,
                copyConcurrency, maxAttempts, minCheckpointId, snapshot);
    }

    public PromotionRequest withDryRun(boolean value) {
        return new PromotionRequest(checkpoints, savepoints, target, jobId, lineage, mode, value, force, allowFreshStart,
                copyConcurrency, maxAttempts, minCheckpointId, snapshot);
    }

    public PromotionRequest withForce(boolean value) {
        return new PromotionRequest(checkpoints, savepoints, target, jobId, lineage, mode, dryRun, value, allowFreshStart,
                copyConcurrency, maxAttempts, minCheckpointId, snapshot);
    }

    public PromotionRequest withAllowFreshStart(boolean value) {
        return new PromotionRequest(checkpoints, savepoints, target, jobId, lineage, mode, dryRun, force, value,
                copyConcurrency, maxAttempts, minCheckpointId, snapshot);
    }

    public PromotionRequest withCopyConcurrency(int value) {
        return new PromotionRequest(checkpoints, savepoints, target, jobId, lineage, mode, dryRun, force, allowFreshStart,
                value, maxAttempts, minCheckpointId, snapshot);
    }

    public PromotionRequest withMaxAttempts(int value) {
        return new PromotionRequest(checkpoints, savepoints, target, jobId, lineage, mode, dryRun, force, allowFreshStart,
                copyConcurrency, value, minCheckpointId, snapshot);
    }

    /** Refuses to promote anything older than checkpoint {@code id} (empty: no bound). */
    public PromotionRequest withMinCheckpointId(OptionalLong id) {
        return new PromotionRequest(checkpoints, savepoints, target, jobId, lineage, mode, dryRun, force, allowFreshStart,
                copyConcurrency, maxAttempts, id, snapshot);
    }

    /** Promotes this snapshot directory (holding {@code _metadata}) instead of the newest one. */
    public PromotionRequest withSnapshot(Optional<StoreUri> directory) {
        return new PromotionRequest(checkpoints, savepoints, target, jobId, lineage, mode, dryRun, force, allowFreshStart,
                copyConcurrency, maxAttempts, minCheckpointId, directory);
    }
}
