package dev.laststate.store;

import java.util.Optional;

/** HTTP's {@code Content-Range} answer to a ranged read, as the object stores send it ({@code bytes 0-9/1234}). */
public final class ContentRange {

    private ContentRange() {}

    /**
     * The object's whole size from a {@code Content-Range} header value; empty when the header is absent, the
     * total is unknown ({@code bytes 0-9/*}) or the value is malformed: the caller decides whether that is a
     * malformed answer.
     */
    public static Optional<Long> totalSize(String header) {
        if (header == null || header.lastIndexOf('/') < 0) {
            return Optional.empty();
        }
        try {
            long total = Long.parseLong(header.substring(header.lastIndexOf('/') + 1).strip());
            return total < 0 ? Optional.empty() : Optional.of(total);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
