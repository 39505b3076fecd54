package dev.laststate.flink;

import dev.laststate.store.StoreUri;
import java.util.Objects;

/**
 * One piece of state a relocated snapshot needs in its target: the bytes {@code [offset, offset + length)} of
 * {@code source}, stored in the target as {@code name}. A whole file has offset 0 and its full length; a
 * file-merging segment is a range inside a shared physical file, extracted into a file of its own.
 *
 * @param name where the bytes go, relative to the target ({@link RelocatedNames})
 * @param source the file that holds them, wherever the snapshot's {@code _metadata} points
 * @param offset where they start in {@code source}
 * @param length how many bytes
 * @param whole whether they are the whole of {@code source} (a server-side copy), not a range of it
 */
public record StateCopy(String name, StoreUri source, long offset, long length, boolean whole) {
    public StateCopy {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(source, "source");
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("negative range " + offset + "+" + length + " of " + source);
        }
        if (whole && offset != 0) {
            throw new IllegalArgumentException("a whole file starts at 0, not " + offset + ": " + source);
        }
        if (!PointerRecord.isRecordableName(name)) {
            throw new IllegalArgumentException("not a relative name: " + name);
        }
    }

    /** The whole of {@code source}, {@code size} bytes, under its relocated name. */
    public static StateCopy wholeFile(StoreUri source, long size) {
        return new StateCopy(RelocatedNames.file(source), source, 0, size, true);
    }

    /** The range {@code [offset, offset + length)} of {@code source}, under its relocated name. */
    public static StateCopy segment(StoreUri source, long offset, long length) {
        return new StateCopy(RelocatedNames.segment(source, offset, length), source, offset, length, false);
    }
}
