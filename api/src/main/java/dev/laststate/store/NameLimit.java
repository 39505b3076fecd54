package dev.laststate.store;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The most a store's service holds of an object's name (its location's path, within the container), declared
 * by the store as data ({@link CheckpointStore#nameLimits()}) so that the store refuses a longer name before
 * anything is sent, and the TCK builds names at and just over it.
 *
 * @param measure what is counted
 * @param max the most the service holds, at least 1
 */
public record NameLimit(Measure measure, int max) {

    /** What a limit counts of a location's path. */
    public enum Measure {
        /** UTF-8 bytes of the whole name (S3 keys, GCS object names). */
        NAME_BYTES("UTF-8 bytes", "the name is %d UTF-8 bytes long"),
        /** UTF-16 characters of the whole name (Azure blob names, HDFS paths). */
        NAME_CHARS("characters", "the name is %d characters long"),
        /** UTF-8 bytes of any one segment between slashes (a file name on a file system, an HDFS path component). */
        SEGMENT_BYTES("UTF-8 bytes in a segment", "a segment of the name is %d UTF-8 bytes long"),
        /** Segments of the name (directory levels and the object's own name). */
        SEGMENTS("segments", "the name has %d segments");

        private final String unit;
        private final String measured;

        Measure(String unit, String measured) {
            this.unit = unit;
            this.measured = measured;
        }

        /** What this measure counts of {@code path} (for {@link #SEGMENT_BYTES}, its longest segment). */
        public int of(String path) {
            return switch (this) {
                case NAME_BYTES -> path.getBytes(StandardCharsets.UTF_8).length;
                case NAME_CHARS -> path.length();
                case SEGMENT_BYTES -> path.isEmpty() ? 0
                        : List.of(path.split("/")).stream().mapToInt(s -> s.getBytes(StandardCharsets.UTF_8).length).max().orElse(0);
                case SEGMENTS -> path.isEmpty() ? 0 : path.split("/").length;
            };
        }
    }

    public NameLimit {
        if (measure == null || max < 1) {
            throw new IllegalArgumentException("a name limit needs a measure and a maximum of at least 1, not " + measure + " " + max);
        }
    }

    /**
     * {@code uri}, when its path is within every one of {@code limits}: the one check every store makes of an
     * object's location (see {@link CheckpointStore}'s edges).
     *
     * @throws InvalidStoreUriException naming {@code uri} and the limit it exceeds
     */
    public static StoreUri requireWithin(List<NameLimit> limits, StoreUri uri) {
        for (NameLimit limit : limits) {
            int measured = limit.measure.of(uri.path());
            if (measured > limit.max) {
                throw new InvalidStoreUriException(StoreUri.printable(uri.toString()), limit.measure.measured.formatted(measured)
                        + ", and this store holds " + limit);
            }
        }
        return uri;
    }

    @Override
    public String toString() {
        return "at most " + max + " " + measure.unit;
    }
}
