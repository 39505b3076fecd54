package dev.laststate.store;

import java.util.Collection;
import java.util.Optional;
import java.util.Set;

/**
 * The storage a Flink job checkpoints into, seen as directories and objects.
 *
 * <p>Keep this surface small: everything Flink-specific (selection, promotion, guards) is written once
 * above it, for every store. Implementations are thread-safe. Every method either completes or throws a
 * {@link StoreException} subtype carrying the location and the SDK's exception as cause. Retries of
 * transient failures happen inside the implementation (the SDK's own backoff), once; callers do not
 * retry on top.
 */
public interface CheckpointStore extends AutoCloseable {

    /** The URI schemes this store serves, such as {@code s3} and {@code s3a}. */
    Set<String> schemes();

    /** What this store can do beyond the basic operations. */
    Set<Capability> capabilities();

    /**
     * Lists one level of {@code directory}: the names of its sub-directories and the objects directly
     * in it, reading every page. Never descends into sub-directories, so its cost does not depend on
     * what lies below them. A missing directory lists as empty; a missing bucket or container is a
     * {@link ContainerNotFoundException}.
     */
    Listing list(StoreUri directory) throws StoreException;

    /** The object at {@code uri}, or empty when there is none (a directory is not an object). */
    Optional<ObjectInfo> stat(StoreUri uri) throws StoreException;

    /**
     * Reads at most {@code maxBytes} bytes from the start of the object, together with the version those
     * bytes belong to.
     *
     * @throws StoreNotFoundException when the object does not exist
     */
    ObjectContent read(StoreUri uri, long maxBytes) throws StoreException;

    /** Reads the whole object. */
    default ObjectContent read(StoreUri uri) throws StoreException {
        return read(uri, Long.MAX_VALUE);
    }

    /**
     * Writes {@code bytes} to {@code uri} if {@code condition} holds, atomically: a reader sees the old
     * object or the new one, never a part. Parent directories are created as needed.
     *
     * @return the object as written
     * @throws ObjectAlreadyExistsException for {@link WriteCondition#ifAbsent()} when it exists
     * @throws ConditionFailedException for {@link WriteCondition#ifVersionMatches} when the version differs
     *     or the object is gone
     * @throws UnsupportedStoreOperationException when the condition needs a capability the store lacks
     * @throws OutcomeUnknownException when the store cannot tell whether the write took effect
     */
    ObjectInfo write(StoreUri uri, byte[] bytes, WriteCondition condition) throws StoreException;

    /**
     * Copies the object at {@code source} to {@code target} within this store, replacing any object at
     * {@code target}; bytes are preserved exactly and {@code target} appears atomically. Runs in the store
     * where {@link Capability#SERVER_SIDE_COPY} is declared, and streams through the client otherwise.
     *
     * @return the copy
     * @throws StoreNotFoundException when {@code source} does not exist; {@code target} is then unchanged
     */
    ObjectInfo copy(StoreUri source, StoreUri target) throws StoreException;

    /** Deletes the object at {@code uri}; deleting a missing object succeeds. */
    void delete(StoreUri uri) throws StoreException;

    /** Deletes all these objects, in batches where the store has them; missing objects are fine. */
    default void deleteAll(Collection<StoreUri> uris) throws StoreException {
        for (StoreUri uri : uris) {
            delete(uri);
        }
    }

    /** Releases clients and threads. The default does nothing. */
    @Override
    default void close() throws StoreException {}
}
