package dev.laststate.store;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.Collection;
import java.util.List;
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
 *
 * <p>The edges, the same on every store (the TCK proves each):
 * <ul>
 *   <li><b>Another scheme.</b> A location whose scheme is not one of {@link #schemes()} is an
 *       {@link InvalidStoreUriException} from every method, before anything is sent.</li>
 *   <li><b>The container root.</b> A location with an empty path ({@code s3://bucket}, {@code file:///})
 *       names no object: {@link #stat}, {@link #read}, {@link #write}, {@link #copy} (either end) and
 *       {@link #delete} refuse it with an {@link InvalidStoreUriException}; {@link #list} lists it.</li>
 *   <li><b>Names no location can hold.</b> An entry whose name {@link StoreUri#canHold} refuses (an empty
 *       segment, a control character) is listed in {@link Listing#skipped()}, never served as an object
 *       and never a failure of the whole listing.</li>
 *   <li><b>A name the store refuses.</b> A location whose path exceeds one of {@link #nameLimits()} (longer
 *       than the service holds: S3 keys and GCS object names over 1,024 UTF-8 bytes, Azure blob names over
 *       1,024 characters, a file or HDFS name segment over 255 bytes) is an {@link InvalidStoreUriException}
 *       naming it from {@link #stat}, {@link #read}, {@link #write}, {@link #copy} (either end), {@link #delete}
 *       and {@link #deleteAll}, before anything is sent; nothing is written. Every name within the limits
 *       round-trips. {@link #list} is unchanged.</li>
 *   <li><b>A copy to another container</b> (another bucket, Azure container or account, HDFS name node: another
 *       authority) is an {@link UnsupportedStoreOperationException} carrying the target, before anything is
 *       sent; nothing is written.</li>
 *   <li><b>A missing bucket or container</b> is a {@link ContainerNotFoundException} naming it, from every
 *       method that takes a location ({@link #delete} and {@link #deleteAll} too), never an empty answer.</li>
 *   <li><b>A malformed or cut-off answer</b> (a missing header or field, a reset connection, a body cut
 *       short) is a {@link StoreException}, never an unchecked exception.</li>
 * </ul>
 */
public interface CheckpointStore extends AutoCloseable {

    /** The URI schemes this store serves, such as {@code s3} and {@code s3a}. */
    Set<String> schemes();

    /** What this store can do beyond the basic operations. */
    Set<Capability> capabilities();

    /**
     * The most the service holds of an object's name, as data: every method that takes an object's location
     * refuses one beyond a limit with an {@link InvalidStoreUriException} before anything is sent (each store
     * checks with {@link StoreUri#requireObject(Set, List)}), and the TCK writes names at each limit and just
     * over it. The default, none: the store holds every name a {@link StoreUri} can.
     */
    default List<NameLimit> nameLimits() {
        return List.of();
    }

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
     * Copies exactly the version of an object the caller listed or stat'ed to {@code target} in the same
     * container (bucket, Azure container, name node), replacing any object at {@code target}; bytes are
     * preserved exactly and {@code target} appears atomically. The version is checked by the store's own source condition where it has one (S3
     * {@code x-amz-copy-source-if-match}, GCS {@code ifSourceGenerationMatch}, Azure's source ETag) and by
     * comparing the version once the bytes are read otherwise; no stat is sent before or after. Runs in
     * the store where {@link Capability#SERVER_SIDE_COPY} is declared, and streams through the client
     * otherwise.
     *
     * @param source the object as the caller saw it: its location and the version to copy
     * @return the copy, built from the store's answer to the copy
     * @throws StoreNotFoundException carrying {@code source.uri()} when the source no longer exists;
     *     {@code target} is then unchanged
     * @throws ConditionFailedException carrying {@code source.uri()} when the source now has another version
     *     than {@code source.version()}; {@code target} is then unchanged
     * @throws UnsupportedStoreOperationException carrying {@code target} when it lies in another container than
     *     the source (another authority), checked before anything is sent ({@link StoreUri#requireCopyTo})
     * @throws InvalidStoreUriException when either end is beyond one of {@link #nameLimits()}, before anything
     *     is sent
     */
    ObjectInfo copy(ObjectInfo source, StoreUri target) throws StoreException;

    /**
     * Opens the bytes {@code [offset, offset + length)} of the object at {@code uri} as a stream: how laststate
     * moves state into another store, and extracts a file-merging segment, without holding it. All bytes come
     * from one version: {@code version}'s when given (what the caller listed or stat'ed), otherwise the one
     * current when the request is answered.
     *
     * <p>Existence, version and size are checked before this returns, in one request where the service and its
     * client allow (S3 {@code If-Match} on a ranged {@code GET}, an Azure ETag; GCS's Java client up to one chunk, a stat
     * first beyond it). The stream returns exactly
     * {@code length} bytes and then {@code -1}, never more; a failure while reading, or a body that ends early, is a
     * {@link StoreException} thrown by the stream (a {@code StoreException} is an {@code IOException}), never an
     * unchecked exception. A {@code length} of 0 is an empty stream; the store may then send nothing, so nothing is
     * checked. The caller closes the stream.
     *
     * <p>Memory: a store that declares {@link Capability#BOUNDED_STREAMS} holds a bounded amount whatever
     * {@code length} is. The default reads {@code offset + length} bytes with {@link #read(StoreUri, long)} and
     * serves them from memory, up to {@link #MAX_IN_MEMORY_STREAM_BYTES}.
     *
     * @throws StoreNotFoundException when there is no object at {@code uri}
     * @throws ConditionFailedException when {@code version} is given and the object has another, or when the object
     *     is shorter than {@code offset + length}
     * @throws IllegalArgumentException for a negative {@code offset} or {@code length}, or an end beyond
     *     {@link Long#MAX_VALUE}
     * @throws UnsupportedStoreOperationException without {@link Capability#BOUNDED_STREAMS}, for a range beyond
     *     {@link #MAX_IN_MEMORY_STREAM_BYTES}, before anything is sent
     */
    default InputStream readStream(StoreUri uri, Optional<String> version, long offset, long length) throws StoreException {
        ObjectStreams.requireRange(uri, offset, length);
        if (length == 0) {
            return InputStream.nullInputStream();
        }
        ObjectStreams.requireInMemory(uri, offset + length, "read");
        ObjectContent content = read(uri, offset + length);
        ObjectStreams.requireVersionAndSize(uri, version, offset + length, content.info());
        return new ByteArrayInputStream(content.bytes(), (int) offset, (int) length);
    }

    /**
     * Writes exactly {@code length} bytes read from {@code content} to {@code uri}, replacing any object there,
     * atomically: a reader sees the old object or the new one, never a part (an S3 multipart upload completed at the
     * end, a GCS resumable upload finalized by its last chunk, an Azure block list committed, a file renamed into
     * place). Parent directories are created as needed. Never reads past {@code length} and does not close
     * {@code content}.
     *
     * <p>When {@code content} throws, or ends before {@code length} bytes, nothing is written at {@code uri} (what
     * was there stays) and a {@link StoreException} is thrown with that failure in its cause chain; an upload begun
     * is aborted where the service has such a thing. Retries inside the store re-send only what it still holds.
     *
     * <p>Memory: a store that declares {@link Capability#BOUNDED_STREAMS} holds a bounded amount (one part or
     * chunk) whatever {@code length} is; the default reads {@code content} whole and calls {@link #write}, up to
     * {@link #MAX_IN_MEMORY_STREAM_BYTES}.
     *
     * @return the object as written
     * @throws OutcomeUnknownException when the store cannot tell whether the write took effect
     * @throws IllegalArgumentException for a negative {@code length}
     * @throws UnsupportedStoreOperationException without {@link Capability#BOUNDED_STREAMS}, for a length beyond
     *     {@link #MAX_IN_MEMORY_STREAM_BYTES}, before anything is read or sent
     */
    default ObjectInfo writeStream(StoreUri uri, InputStream content, long length) throws StoreException {
        ObjectStreams.requireRange(uri, 0, length);
        ObjectStreams.requireInMemory(uri, length, "write");
        return write(uri, ObjectStreams.readExactly(uri, content, length), WriteCondition.overwrite());
    }

    /** The most the default {@link #readStream} and {@link #writeStream} hold in memory: what a Java array holds. */
    long MAX_IN_MEMORY_STREAM_BYTES = Integer.MAX_VALUE - 8;

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
