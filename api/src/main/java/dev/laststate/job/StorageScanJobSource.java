package dev.laststate.job;

import dev.laststate.flink.Lineage;
import dev.laststate.flink.NothingToPromoteException;
import dev.laststate.flink.Snapshot;
import dev.laststate.flink.SnapshotFinder;
import dev.laststate.store.CheckpointStore;
import dev.laststate.store.StoreException;
import dev.laststate.store.StoreUri;
import java.util.Comparator;
import java.util.Optional;

/**
 * The job whose newest complete snapshot is the most recent one in the checkpoint directory. Each
 * submission writes a new job directory, so this is the job deployed last that has completed a checkpoint
 * (or, with a savepoint directory, a savepoint). Each job's newest snapshot is the one the promoter selects,
 * {@link SnapshotFinder#newest}, so the scan and the promotion never disagree about which snapshots count.
 * Its cost is one listing of the checkpoint directory plus one of each job directory (and, with a savepoint
 * directory, one listing of it per job).
 */
public final class StorageScanJobSource implements JobSource {

    /** Most recently completed first; equal times go to the higher checkpoint id. */
    private static final Comparator<Snapshot> MOST_RECENT = Comparator.comparing(Snapshot::completedAt)
            .thenComparing(s -> s.checkpointId().orElse(-1))
            .reversed();

    private final SnapshotFinder finder;
    private final StoreUri checkpoints;
    private final Optional<StoreUri> savepoints;

    public StorageScanJobSource(CheckpointStore store, StoreUri checkpoints) {
        this(store, checkpoints, Optional.empty());
    }

    /** A scan whose jobs' savepoints in {@code savepoints} count as well as their checkpoints. */
    public StorageScanJobSource(CheckpointStore store, StoreUri checkpoints, Optional<StoreUri> savepoints) {
        this.finder = new SnapshotFinder(store);
        this.checkpoints = checkpoints;
        this.savepoints = savepoints;
    }

    @Override
    public JobInfo job() throws StoreException, NothingToPromoteException {
        Optional<Snapshot> newest = Optional.empty();
        for (String jobId : finder.jobIds(checkpoints)) {
            Optional<Snapshot> snapshot = finder.newest(checkpoints, savepoints, jobId);
            if (snapshot.isPresent() && (newest.isEmpty() || MOST_RECENT.compare(snapshot.get(), newest.get()) < 0)) {
                newest = snapshot;
            }
        }
        return newest
                .map(s -> new JobInfo(s.jobId(), Optional.empty(), Lineage.UNKNOWN, "storage scan of " + checkpoints))
                .orElseThrow(() -> new NothingToPromoteException("no job directory in " + checkpoints
                        + " holds a complete checkpoint" + savepoints.map(s -> " and no job has a complete savepoint in " + s)
                        .orElse("") + " (is this the checkpoint directory, execution.checkpointing.dir?)"));
    }
}
