package dev.laststate.flink;

import dev.laststate.store.CheckpointStore;
import dev.laststate.store.Listing;
import dev.laststate.store.ObjectContent;
import dev.laststate.store.ObjectInfo;
import dev.laststate.store.StoreException;
import dev.laststate.store.StoreNotFoundException;
import dev.laststate.store.StoreUri;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * Finds complete snapshots in storage. Its cost depends on the number of checkpoint, savepoint and job
 * directories, never on the number of state files: it lists one level at a time, reads checkpoint ids
 * from directory names as numbers, and never lists {@code shared/}, {@code taskowned/} or the inside of a
 * snapshot.
 */
public final class SnapshotFinder {

    private static final int LISTING_PASSES = 3;

    private final CheckpointStore store;

    public SnapshotFinder(CheckpointStore store) {
        this.store = store;
    }

    /**
     * The newest complete checkpoint of a job: the highest {@code chk-<n>} (numerically) whose
     * {@code _metadata} exists. Directories without it are in progress (or being deleted) and skipped.
     */
    public Optional<Snapshot> newestCheckpoint(StoreUri checkpointDir, String jobId) throws StoreException {
        // Between the stats, Flink can complete the newest directory (it had no _metadata yet) and then subsume
        // the one before it: nothing listed looked complete. Flink deletes a checkpoint only once a newer one is
        // complete, so a second look at the same directories finds it; a third pass lists them again.
        for (int pass = 0; pass < LISTING_PASSES; pass++) {
            TreeMap<Long, StoreUri> candidates = checkpointDirectories(checkpointDir, jobId);
            if (candidates.isEmpty()) {
                break;
            }
            for (int look = 0; look < 2; look++) {
                for (Map.Entry<Long, StoreUri> candidate : candidates.entrySet()) {
                    Optional<Snapshot> complete = checkpoint(jobId, candidate.getKey(), candidate.getValue());
                    if (complete.isPresent()) {
                        return complete;
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** Every complete checkpoint of a job, newest first. */
    public List<Snapshot> checkpoints(StoreUri checkpointDir, String jobId) throws StoreException {
        List<Snapshot> found = new ArrayList<>();
        for (Map.Entry<Long, StoreUri> candidate : checkpointDirectories(checkpointDir, jobId).entrySet()) {
            checkpoint(jobId, candidate.getKey(), candidate.getValue()).ifPresent(found::add);
        }
        return found;
    }

    /**
     * Every complete savepoint of a job in {@code savepointDir} (directories
     * {@code savepoint-<first 6 hex of the job id>-...} with a {@code _metadata}), newest first. Each
     * savepoint's id is read from the first bytes of its {@code _metadata}.
     */
    public List<Snapshot> savepoints(StoreUri savepointDir, String jobId) throws StoreException {
        List<Snapshot> found = new ArrayList<>();
        for (String name : store.list(savepointDir).directories()) {
            if (!FlinkLayout.isSavepointOf(name, jobId)) {
                continue;
            }
            StoreUri directory = savepointDir.resolve(name);
            Optional<ObjectInfo> metadata = store.stat(directory.resolve(FlinkLayout.METADATA));
            if (metadata.isEmpty()) {
                continue;
            }
            OptionalLong id;
            try {
                ObjectContent header = store.read(metadata.get().uri(), FlinkLayout.METADATA_HEADER_BYTES);
                id = FlinkLayout.metadataCheckpointId(header.bytes());
            } catch (StoreNotFoundException deletedMeanwhile) {
                continue;
            }
            found.add(new Snapshot(jobId, SnapshotKind.SAVEPOINT, directory, id, metadata.get()));
        }
        found.sort(Comparator.comparing(Snapshot::completedAt).reversed());
        return found;
    }

    /** The newest complete snapshot of a job: its newest checkpoint or, if newer, its newest savepoint. */
    public Optional<Snapshot> newest(StoreUri checkpointDir, Optional<StoreUri> savepointDir, String jobId) throws StoreException {
        Optional<Snapshot> checkpoint = newestCheckpoint(checkpointDir, jobId);
        Optional<Snapshot> savepoint = savepointDir.isEmpty()
                ? Optional.empty()
                : savepoints(savepointDir.get(), jobId).stream().findFirst();
        if (checkpoint.isEmpty()) {
            return savepoint;
        }
        if (savepoint.isEmpty()) {
            return checkpoint;
        }
        return Snapshot.NEWEST_FIRST.compare(savepoint.get(), checkpoint.get()) < 0 ? savepoint : checkpoint;
    }

    /** The job ids that have a directory directly below {@code checkpointDir}, sorted. */
    public List<String> jobIds(StoreUri checkpointDir) throws StoreException {
        return store.list(checkpointDir).directories().stream().filter(FlinkLayout::isJobId).toList();
    }

    /** {@code chk-<n>} directories of a job by id, highest first. */
    private TreeMap<Long, StoreUri> checkpointDirectories(StoreUri checkpointDir, String jobId) throws StoreException {
        StoreUri jobDir = checkpointDir.resolve(FlinkLayout.requireJobId(jobId));
        Listing listing = store.list(jobDir);
        TreeMap<Long, StoreUri> byId = new TreeMap<>(Comparator.reverseOrder());
        for (String name : listing.directories()) {
            OptionalLong id = FlinkLayout.checkpointId(name);
            if (id.isPresent()) {
                byId.put(id.getAsLong(), jobDir.resolve(name));
            }
        }
        return byId;
    }

    private Optional<Snapshot> checkpoint(String jobId, long id, StoreUri directory) throws StoreException {
        return store.stat(directory.resolve(FlinkLayout.METADATA))
                .map(metadata -> new Snapshot(jobId, SnapshotKind.CHECKPOINT, directory, OptionalLong.of(id), metadata));
    }
}
