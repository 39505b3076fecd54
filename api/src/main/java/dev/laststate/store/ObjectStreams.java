package dev.laststate.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;
import java.util.Optional;

/**
 * The rules of {@link CheckpointStore#readStream} and {@link CheckpointStore#writeStream}, written once for every
 * store: the range and version checks, and the stream a backend wraps its SDK's body in, so each backend only says
 * how its SDK's failures are classified.
 */
public final class ObjectStreams {

    private ObjectStreams() {}

    /** How a backend classifies a failure its SDK's stream throws, as at the operation's own throw site. */
    @FunctionalInterface
    public interface Classifier {
        StoreException classify(Exception failure);
    }

    /** A check run once, when the last byte of a stream has been read (a file's version, read again). */
    @FunctionalInterface
    public interface EndCheck {
        void atEnd() throws StoreException;
    }

    /** Refuses a negative range, and one whose end is beyond what a {@code long} counts. */
    public static void requireRange(StoreUri uri, long offset, long length) {
        if (offset < 0 || length < 0 || offset > Long.MAX_VALUE - length) {
            throw new IllegalArgumentException("not a range: " + offset + "+" + length + " of " + uri);
        }
    }

    /** Refuses, before anything is sent, more bytes than the in-memory defaults of the two methods can hold. */
    public static void requireInMemory(StoreUri uri, long bytes, String action) throws UnsupportedStoreOperationException {
        if (bytes > CheckpointStore.MAX_IN_MEMORY_STREAM_BYTES) {
            throw new UnsupportedStoreOperationException(uri, "cannot " + action + " " + bytes + " bytes of " + uri
                    + " as a stream: this store passes streams through memory, at most "
                    + CheckpointStore.MAX_IN_MEMORY_STREAM_BYTES + " bytes", null);
        }
    }

    /**
     * Checks the object as the store answered a read against what the caller asked for: the version, when given, and
     * a size of at least {@code end} bytes.
     */
    public static void requireVersionAndSize(StoreUri uri, Optional<String> version, long end, ObjectInfo current)
            throws ConditionFailedException {
        if (version.isPresent() && !version.get().equals(current.version())) {
            throw new ConditionFailedException(uri, "cannot read " + uri + ": it changed since it was listed (version "
                    + current.version() + ", not " + version.get() + ")", null);
        }
        if (current.size() < end) {
            throw new ConditionFailedException(uri, "cannot read " + uri + " up to byte " + end + ": it is "
                    + current.size() + " bytes", null);
        }
    }

    /**
     * Reads exactly {@code length} bytes of a stream handed to {@link CheckpointStore#writeStream} for {@code uri};
     * a stream that fails or ends early is a {@link StoreException} with that failure as its cause.
     */
    public static byte[] readExactly(StoreUri uri, InputStream content, long length) throws StoreException {
        byte[] bytes;
        try {
            bytes = content.readNBytes(Math.toIntExact(length));
        } catch (IOException | RuntimeException e) {
            throw contentFailed(uri, e);
        }
        if (bytes.length < length) {
            throw contentEnded(uri, bytes.length, length);
        }
        return bytes;
    }

    /** The buffer {@link #copyExactly} copies through. */
    public static final int COPY_BUFFER_BYTES = 1024 * 1024;

    /**
     * Copies exactly {@code length} bytes of a stream handed to {@link CheckpointStore#writeStream} for {@code uri} to
     * {@code out}, through one buffer. A failure or early end of {@code content} is a {@link StoreException} (as
     * {@link #readExactly}); a failure of {@code out} is its own {@code IOException}, for the backend to classify.
     */
    public static void copyExactly(StoreUri uri, InputStream content, long length, OutputStream out) throws IOException {
        byte[] buffer = new byte[(int) Math.min(COPY_BUFFER_BYTES, Math.max(length, 1))];
        long copied = 0;
        while (copied < length) {
            int n;
            try {
                n = content.read(buffer, 0, (int) Math.min(buffer.length, length - copied));
            } catch (IOException | RuntimeException e) {
                throw contentFailed(uri, e);
            }
            if (n < 0) {
                throw contentEnded(uri, copied, length);
            }
            out.write(buffer, 0, n);
            copied += n;
        }
    }

    /** The failure of a {@link CheckpointStore#writeStream} whose content threw: nothing was written. */
    public static StoreException contentFailed(StoreUri uri, Exception cause) {
        return new StoreException(uri, "cannot write " + uri + ": reading its content failed (" + cause.getMessage()
                + "); nothing was written", cause);
    }

    /** The failure of a {@link CheckpointStore#writeStream} whose content ended early: nothing was written. */
    public static StoreException contentEnded(StoreUri uri, long read, long length) {
        return new StoreException(uri, "cannot write " + uri + ": its content ended after " + read + " of " + length
                + " bytes; nothing was written", null);
    }

    /**
     * The stream {@link CheckpointStore#readStream} returns, around a backend's body of {@code length} bytes: exactly
     * that many, then {@code -1} without reading further; an early end is a malformed answer, and every failure of the
     * body (an {@code IOException} or an unchecked SDK exception) goes through {@code classifier}.
     */
    public static InputStream exactly(StoreUri uri, long length, InputStream body, Classifier classifier) {
        return exactly(uri, length, body, classifier, () -> { });
    }

    /** As {@link #exactly(StoreUri, long, InputStream, Classifier)}, running {@code endCheck} after the last byte. */
    public static InputStream exactly(StoreUri uri, long length, InputStream body, Classifier classifier, EndCheck endCheck) {
        return new ExactStream(uri, length, body, classifier, endCheck);
    }

    /**
     * A view of the next {@code length} bytes of {@code in}: ends there, never reads further, and leaves {@code in}
     * open when closed. A failure of {@code in} is remembered, so a caller can tell it from the failure of whatever
     * consumed the view.
     */
    public static Segment segment(InputStream in, long length) {
        return new Segment(in, length);
    }

    /** A stream whose single-byte read is its array read's. */
    private abstract static class RangeStream extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }
    }

    /** See {@link #segment}. */
    public static final class Segment extends RangeStream {
        private final InputStream in;
        private long remaining;
        private IOException failure;

        private Segment(InputStream in, long length) {
            this.in = Objects.requireNonNull(in, "in");
            this.remaining = length;
        }

        /** The first failure the underlying stream threw, if any. */
        public Optional<IOException> failure() {
            return Optional.ofNullable(failure);
        }

        /** How many of its bytes have not been read. */
        public long remaining() {
            return remaining;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (remaining == 0) {
                return -1;
            }
            if (len == 0) {
                return 0;
            }
            int n;
            try {
                n = in.read(b, off, (int) Math.min(len, remaining));
            } catch (IOException e) {
                failure = failure == null ? e : failure;
                throw e;
            }
            if (n > 0) {
                remaining -= n;
            }
            return n;
        }

        @Override
        public void close() {
            // the underlying stream belongs to the caller
        }
    }

    private static final class ExactStream extends RangeStream {
        private final StoreUri uri;
        private final long length;
        private final InputStream body;
        private final Classifier classifier;
        private final EndCheck endCheck;
        private long position;
        private boolean checked;

        ExactStream(StoreUri uri, long length, InputStream body, Classifier classifier, EndCheck endCheck) {
            this.uri = uri;
            this.length = length;
            this.body = body;
            this.classifier = classifier;
            this.endCheck = endCheck;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (position == length) {
                atEnd();
                return -1;
            }
            if (len == 0) {
                return 0;
            }
            int n;
            try {
                n = body.read(b, off, (int) Math.min(len, length - position));
            } catch (StoreException e) {
                throw e;
            } catch (IOException | RuntimeException e) {
                throw classifier.classify(e);
            }
            if (n < 0) {
                throw StoreException.malformedAnswer(uri, "read", "the body ended after " + position + " of " + length + " bytes");
            }
            position += n;
            if (position == length) {
                atEnd(); // with the last byte, not at a later read a consumer of exactly length bytes never makes
            }
            return n;
        }

        private void atEnd() throws StoreException {
            if (!checked) {
                checked = true;
                endCheck.atEnd();
            }
        }

        @Override
        public void close() throws IOException {
            try {
                body.close();
            } catch (StoreException e) {
                throw e;
            } catch (IOException | RuntimeException e) {
                throw classifier.classify(e);
            }
        }
    }
}
