package dev.laststate.flink;

import dev.laststate.store.StoreUri;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * What to promote and how: {@link #of(StoreUri, String)} for the defaults, {@link #builder} or
 * {@link #toBuilder()} for anything else.
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
 * @param acrossStores the target lies in a store of its own, which the caller opened for it
 *     ({@link Promoter#withTargetStore}): another bucket, region, cloud or file system; it may then lie in another
 *     container than the snapshots
 */
public record PromotionRequest(StoreUri checkpoints, Optional<StoreUri> savepoints, StoreUri target, String jobId,
                               Lineage lineage, PromotionMode mode, boolean dryRun, boolean force, boolean allowFreshStart,
                               int copyConcurrency, int maxAttempts,
                               OptionalLong minCheckpointId, Optional<StoreUri> snapshot, boolean acrossStores) {

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
        if (mode == PromotionMode.COPY && !acrossStores) {
            checkSameContainer(target, checkpoints, savepoints, snapshot);
        }
    }

    /**
     * Refuses, in copy mode, a target in another container (bucket, Azure container, NameNode) than what it may
     * copy: a store copies only within one container, and finding that out at the first copy would leave a pending
     * record behind. Pointer mode only writes a record, so its target may lie anywhere in the store.
     */
    private static void checkSameContainer(StoreUri target, StoreUri checkpoints, Optional<StoreUri> savepoints,
                                           Optional<StoreUri> snapshot) {
        List<StoreUri> sources = new ArrayList<>(List.of(checkpoints));
        savepoints.ifPresent(sources::add);
        snapshot.ifPresent(sources::add);
        for (StoreUri source : sources) {
            if (!source.authority().equals(target.authority())) {
                throw new IllegalArgumentException("the target " + target + " must lie in the same container as " + source
                        + " in copy mode ('" + target.authority() + "' is not '" + source.authority()
                        + "'): a store copies within one container; choose a target there, promote across stores, or"
                        + " promote in pointer mode");
            }
        }
    }

    /**
     * Refuses a target that is not a place of its own: promoting writes its files there and later deletes
     * those of older generations, so it must not overlap a directory Flink or another snapshot owns.
     */
    static void checkTarget(StoreUri checkpoints, StoreUri target, Optional<StoreUri> snapshot) {
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

    /** Copy mode into {@code <checkpoints>/last-state}, no savepoints, every guard on. */
    public static PromotionRequest of(StoreUri checkpoints, String jobId) {
        return builder(checkpoints, jobId).build();
    }

    /** A builder starting from {@link #of}'s defaults. */
    public static Builder builder(StoreUri checkpoints, String jobId) {
        return new Builder(checkpoints, jobId);
    }

    /** A builder holding this request's values, to change what differs. */
    public Builder toBuilder() {
        return new Builder(checkpoints, jobId).savepoints(savepoints).target(target).lineage(lineage).mode(mode)
                .dryRun(dryRun).force(force).allowFreshStart(allowFreshStart).copyConcurrency(copyConcurrency)
                .maxAttempts(maxAttempts).minCheckpointId(minCheckpointId).snapshot(snapshot).acrossStores(acrossStores);
    }

    /** Builds a {@link PromotionRequest}; {@link #build()} checks the values as the record does. */
    public static final class Builder {
        private final StoreUri checkpoints;
        private final String jobId;
        private Optional<StoreUri> savepoints = Optional.empty();
        private StoreUri target;
        private Lineage lineage = Lineage.UNKNOWN;
        private PromotionMode mode = PromotionMode.COPY;
        private boolean dryRun;
        private boolean force;
        private boolean allowFreshStart;
        private int copyConcurrency = 8;
        private int maxAttempts = 5;
        private OptionalLong minCheckpointId = OptionalLong.empty();
        private Optional<StoreUri> snapshot = Optional.empty();
        private boolean acrossStores;

        private Builder(StoreUri checkpoints, String jobId) {
            this.checkpoints = Objects.requireNonNull(checkpoints, "checkpoints");
            this.jobId = jobId;
            this.target = checkpoints.resolve(FlinkLayout.DEFAULT_TARGET);
        }

        public Builder savepoints(Optional<StoreUri> dir) {
            this.savepoints = dir;
            return this;
        }

        public Builder target(StoreUri dir) {
            this.target = dir;
            return this;
        }

        public Builder lineage(Lineage value) {
            this.lineage = value;
            return this;
        }

        public Builder mode(PromotionMode value) {
            this.mode = value;
            return this;
        }

        public Builder dryRun(boolean value) {
            this.dryRun = value;
            return this;
        }

        public Builder force(boolean value) {
            this.force = value;
            return this;
        }

        public Builder allowFreshStart(boolean value) {
            this.allowFreshStart = value;
            return this;
        }

        public Builder copyConcurrency(int value) {
            this.copyConcurrency = value;
            return this;
        }

        public Builder maxAttempts(int value) {
            this.maxAttempts = value;
            return this;
        }

        /** Refuses to promote anything older than checkpoint {@code id} (empty: no bound). */
        public Builder minCheckpointId(OptionalLong id) {
            this.minCheckpointId = id;
            return this;
        }

        /** Promotes this snapshot directory (holding {@code _metadata}) instead of the newest one. */
        public Builder snapshot(Optional<StoreUri> directory) {
            this.snapshot = directory;
            return this;
        }

        public Builder acrossStores(boolean value) {
            this.acrossStores = value;
            return this;
        }

        /** @throws IllegalArgumentException for a value the record refuses (bad input) */
        public PromotionRequest build() {
            return new PromotionRequest(checkpoints, savepoints, target, jobId, lineage, mode, dryRun, force, allowFreshStart,
                    copyConcurrency, maxAttempts, minCheckpointId, snapshot, acrossStores);
        }
    }
}
