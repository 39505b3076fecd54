package dev.laststate.tck;

import java.io.IOException;
import java.io.InputStream;

/**
 * Bytes computed from their position, so the TCK streams objects larger than any buffer or part without holding
 * them, and checks what comes back byte by byte. It can fail with an {@code IOException} at a given position, as a
 * source store's body breaking off would.
 */
final class PatternStream extends InputStream {

    private final long length;
    private final long failAt;
    private long position;
    private long read;

    private PatternStream(long start, long length, long failAt) {
        this.position = start;
        this.length = start + length;
        this.failAt = failAt;
    }

    /** {@code length} bytes of the pattern from position 0. */
    static PatternStream of(long length) {
        return new PatternStream(0, length, Long.MAX_VALUE);
    }

    /** {@code length} bytes of the pattern, failing once {@code failAt} bytes have been read. */
    static PatternStream failingAt(long length, long failAt) {
        return new PatternStream(0, length, failAt);
    }

    /** The pattern's byte at {@code position}. */
    static int at(long position) {
        return (int) ((position * 31 + (position >>> 11)) & 0xff);
    }

    /** The pattern's bytes {@code [offset, offset + length)}, for small ranges. */
    static byte[] bytes(long offset, int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) at(offset + i);
        }
        return bytes;
    }

    /** How many bytes were taken from this stream. */
    long bytesRead() {
        return read;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (read >= failAt) {
            throw new IOException("the source broke off after " + read + " bytes (injected by the TCK)");
        }
        if (position >= length) {
            return -1;
        }
        int n = (int) Math.min(len, Math.min(length - position, failAt - read));
        for (int i = 0; i < n; i++) {
            b[off + i] = (byte) at(position + i);
        }
        position += n;
        read += n;
        return n;
    }

    /**
     * Reads {@code in} to its end and checks that it holds exactly the pattern's bytes {@code [offset, offset + length)}.
     *
     * @return a description of the first difference, or empty when it matches
     */
    static java.util.Optional<String> differenceFrom(InputStream in, long offset, long length) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long seen = 0;
        int n;
        while ((n = in.read(buffer)) >= 0) {
            for (int i = 0; i < n; i++) {
                if (seen + i >= length) {
                    return java.util.Optional.of("more than " + length + " bytes");
                }
                if ((buffer[i] & 0xff) != at(offset + seen + i)) {
                    return java.util.Optional.of("byte " + (seen + i) + " differs");
                }
            }
            seen += n;
        }
        return seen == length ? java.util.Optional.empty() : java.util.Optional.of(seen + " bytes, not " + length);
    }
}
