package dev.laststate.flink;

import dev.laststate.store.StoreUri;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;

/**
 * One promoted snapshot as the pointer record remembers it.
 *
 * @param jobId the job that wrote the snapshot
 * @param checkpointId its id, when known
 * @param kind checkpoint or savepoint
 * @param source the snapshot's own directory
 * @param completedAt when Flink completed it
 * @param files the names, relative to the target, that this generation's {@code _metadata} needs there (empty in
 *     pointer mode): the files it copied, and in a relocated generation also those an earlier generation copied
 * @param relocated for a relocated (self-contained) generation, where each of its {@link RelocatedNames state files}
 *     came from; empty for a generation copied directory as it was
 */
public record Generation(String jobId, OptionalLong checkpointId, SnapshotKind kind, StoreUri source, Instant completedAt,
                         List<String> files, List<StateCopy> relocated) {
    public Generation {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(checkpointId, "checkpointId");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(completedAt, "completedAt");
        files = List.copyOf(files);
        relocated = List.copyOf(relocated);
        Set<String> names = new HashSet<>(files); // a relocated generation holds tens of thousands of files
        for (StateCopy copy : relocated) {
            if (!names.contains(copy.name())) {
                throw new IllegalArgumentException("relocated state " + copy.name() + " is not among the generation's files");
            }
        }
    }

    /** A generation copied directory as it was (or, without files, a pointer). */
    public Generation(String jobId, OptionalLong checkpointId, SnapshotKind kind, StoreUri source, Instant completedAt,
                      List<String> files) {
        this(jobId, checkpointId, kind, source, completedAt, files, List.of());
    }

    static Generation of(Snapshot snapshot, List<String> files) {
        return of(snapshot, files, List.of());
    }

    static Generation of(Snapshot snapshot, List<String> files, List<StateCopy> relocated) {
        return new Generation(snapshot.jobId(), snapshot.checkpointId(), snapshot.kind(), snapshot.directory(),
                snapshot.completedAt(), files, relocated);
    }

    /** Whether this generation is self-contained: its {@code _metadata} references only files in the target. */
    public boolean isRelocated() {
        return !relocated.isEmpty();
    }

    /**
     * How {@code snapshot} compares with this generation (by id where both have one, else by time).
     *
     * @return positive when the snapshot is newer, zero when neither is newer, negative when it is older
     */
    public int compareNewness(Snapshot snapshot) {
        return Snapshot.compareNewness(snapshot.checkpointId(), snapshot.completedAt(), checkpointId, completedAt);
    }

    /** Whether this generation is {@code snapshot}: the same directory, completed at the same time. */
    public boolean holds(Snapshot snapshot) {
        return source.equals(snapshot.directory()) && completedAt.equals(snapshot.completedAt());
    }

    /** A short description for messages, as {@link Snapshot#describe()} gives. */
    public String describe() {
        return Snapshot.describe(kind, checkpointId, jobId, source);
    }
}
