package dev.laststate.flink;

import dev.laststate.store.StoreUri;

/**
 * Turns a snapshot into one that stands on its own in a target: reads its {@code _metadata}, names every file (or
 * file-merging segment) it references wherever that lies, and writes a {@code _metadata} whose handles point at
 * copies of them inside the target. The {@code verify} module provides the one built on Flink's own classes; the
 * {@link Promoter} copies what it names and commits the rewritten {@code _metadata}.
 *
 * <p>Implementations read nothing from a store (the {@code _metadata} bytes are handed in) and are thread-safe.
 */
@FunctionalInterface
public interface SnapshotRelocator {

    /**
     * @param snapshot the directory that holds the snapshot's {@code _metadata} (relative references resolve
     *     against it)
     * @param metadata the bytes of its {@code _metadata}
     * @throws UnpromotableSnapshotException when the snapshot references state this relocator cannot carry into the
     *     target faithfully (unaligned checkpoints' channel state, changelog state, an unknown handle type, bytes
     *     Flink cannot read), with a one-line reason
     */
    Relocation relocate(StoreUri snapshot, byte[] metadata) throws UnpromotableSnapshotException;
}
