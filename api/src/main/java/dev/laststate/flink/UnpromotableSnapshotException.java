package dev.laststate.flink;

import dev.laststate.store.StoreUri;

/**
 * The chosen snapshot cannot be promoted as it is: its {@code _metadata} is not Flink checkpoint metadata
 * of the id its directory names (empty, cut short, corrupt, too large), or its directory holds entries
 * laststate cannot copy faithfully (symbolic links, names it reserves for itself or cannot record), or it
 * references state a relocated promotion cannot carry into the target (channel state of unaligned checkpoints,
 * changelog state, an unknown handle type, a file too large to copy into another store).
 * Nothing was committed; the target is as it was.
 */
public final class UnpromotableSnapshotException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient StoreUri snapshot;

    public UnpromotableSnapshotException(StoreUri snapshot, String message) {
        super(message);
        this.snapshot = snapshot;
    }

    /** The snapshot directory. */
    public StoreUri snapshot() {
        return snapshot;
    }
}
