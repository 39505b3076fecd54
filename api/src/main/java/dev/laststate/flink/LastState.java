package dev.laststate.flink;

import dev.laststate.store.ObjectInfo;
import dev.laststate.store.StoreUri;
import java.util.Objects;
import java.util.Optional;

/**
 * What a promotion target holds: its pointer record and its {@code _metadata}.
 *
 * @param target the target directory
 * @param record the pointer record
 * @param recordInfo the pointer record object (its version is the condition for replacing it)
 * @param metadata the target's {@code _metadata}, if any
 */
public record LastState(StoreUri target, PointerRecord record, ObjectInfo recordInfo, Optional<ObjectInfo> metadata) {
    public LastState {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(record, "record");
        Objects.requireNonNull(recordInfo, "recordInfo");
        Objects.requireNonNull(metadata, "metadata");
    }

    /**
     * Whether the record describes the {@code _metadata} in place. It does not while a promoter is between
     * committing {@code _metadata} and writing its record, or after one stopped in between.
     */
    public boolean consistent() {
        return record.describes(metadata);
    }

    /** The location a deployment passes to {@code --fromSavepoint}. */
    public StoreUri restorePath() {
        return record.restorePath(target);
    }
}
