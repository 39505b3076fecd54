package dev.laststate.flink;

import dev.laststate.store.ObjectInfo;
import dev.laststate.store.StoreUri;
import java.time.Instant;
import java.util.Comparator;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * A complete checkpoint or savepoint: a directory whose {@code _metadata} exists.
 *
 * @param jobId the job that wrote it (for savepoints, the job it was selected for)
 * @param kind checkpoint or savepoint
 * @param directory the directory holding {@code _metadata} and the snapshot's exclusive files
 * @param checkpointId the id, from the {@code chk-<n>} name or from the {@code _metadata} header; empty
 *     only for a savepoint whose header could not be read
 * @param metadata the {@code _metadata} object
 */
public record Snapshot(String jobId, SnapshotKind kind, StoreUri directory, OptionalLong checkpointId, ObjectInfo metadata) {

    /** Newest first: by checkpoint id where both have one, by completion time otherwise. */
    public static final Comparator<Snapshot> NEWEST_FIRST = (a, b) -> Snapshot.compareNewness(
            a.checkpointId, a.completedAt(), b.checkpointId, b.completedAt()) * -1;

    public Snapshot {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(checkpointId, "checkpointId");
        Objects.requireNonNull(metadata, "metadata");
    }

    /** When Flink completed it: the time its {@code _metadata} was written. */
    public Instant completedAt() {
        return metadata.lastModified();
    }

    /**
     * Compares two snapshots' newness: ids share one counter across checkpoints, savepoints and restores,
     * so they decide where both are known; completion time decides otherwise.
     *
     * @return negative when the first is older, zero when neither is newer, positive when it is newer
     */
    static int compareNewness(OptionalLong idA, Instant timeA, OptionalLong idB, Instant timeB) {
        if (idA.isPresent() && idB.isPresent()) {
            return Long.compare(idA.getAsLong(), idB.getAsLong());
        }
        return timeA.compareTo(timeB);
    }

    /** A short description for messages: {@code checkpoint 12 of job <id> (<dir>)}. */
    public String describe() {
        return describe(kind, checkpointId, jobId, directory);
    }

    static String describe(SnapshotKind kind, OptionalLong checkpointId, String jobId, StoreUri directory) {
        String id = checkpointId.isPresent() ? " " + checkpointId.getAsLong() : "";
        return kind.name().toLowerCase(java.util.Locale.ROOT) + id + " of job " + jobId + " (" + directory + ")";
    }
}
