package dev.laststate.store;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * One {@link CheckpointStore#readStream} of a source, written on into objects of another (or the same) store with
 * {@link CheckpointStore#writeStream}: a whole file, or the file-merging segments of one physical file in offset
 * order, in one read of it. Memory stays what the two stores hold for a stream. A failure of the source is thrown as
 * the source's (a {@link ConditionFailedException} when it changed), not as a failure of the write it broke off.
 */
public final class StreamedCopy implements AutoCloseable {

    private final StoreUri source;
    private final InputStream in;
    private long position;

    private StreamedCopy(StoreUri source, InputStream in, long position) {
        this.source = source;
        this.in = in;
        this.position = position;
    }

    /** Opens {@code [offset, offset + length)} of {@code source} in {@code from}, of {@code version} when given. */
    public static StreamedCopy open(CheckpointStore from, StoreUri source, Optional<String> version, long offset, long length)
            throws StoreException {
        return new StreamedCopy(source, from.readStream(source, version, offset, length), offset);
    }

    /** Skips the source's bytes up to {@code offset}, which lies at or after the bytes already copied. */
    public void skipTo(long offset) throws StoreException {
        if (offset < position) {
            throw new IllegalArgumentException("offset " + offset + " of " + source + " was passed already, at " + position);
        }
        try {
            in.skipNBytes(offset - position);
        } catch (EOFException e) {
            throw StoreException.malformedAnswer(source, "read", "the body ended before byte " + offset);
        } catch (IOException e) {
            throw asStoreFailure(e);
        }
        position = offset;
    }

    /** Writes the source's next {@code length} bytes to {@code target} in {@code to}. */
    public ObjectInfo writeNext(CheckpointStore to, StoreUri target, long length) throws StoreException {
        ObjectStreams.Segment segment = ObjectStreams.segment(in, length);
        ObjectInfo written;
        try {
            written = to.writeStream(target, segment, length);
        } catch (StoreException e) {
            if (segment.failure().isPresent()) {
                StoreException sourceFailure = asStoreFailure(segment.failure().get());
                sourceFailure.addSuppressed(e);
                throw sourceFailure;
            }
            throw e;
        }
        if (segment.remaining() != 0 || written.size() != length) {
            throw new StoreException(target, "the store wrote " + target + " as " + written.size() + " bytes after reading "
                    + (length - segment.remaining()) + " of the " + length + " given", null);
        }
        position += length;
        return written;
    }

    private StoreException asStoreFailure(IOException e) {
        return e instanceof StoreException store ? store
                : new StoreException(source, "cannot read " + source + ": " + e.getMessage(), e);
    }

    @Override
    public void close() throws StoreException {
        try {
            in.close();
        } catch (IOException e) {
            throw asStoreFailure(e);
        }
    }
}
