package dev.laststate.flink;

import java.util.List;
import java.util.Objects;

/**
 * A snapshot made self-contained: what the target must hold, and the {@code _metadata} that points there.
 *
 * @param copies every piece of state the rewritten {@code _metadata} references, each under its name in the target
 *     (no two with one name)
 * @param metadata the rewritten {@code _metadata}: every file it references is one of {@code copies}, by a path
 *     relative to the directory that holds it; bytes that were inline stay inline. Written in the format version
 *     of the original, so the Flink that wrote the snapshot reads it.
 */
public record Relocation(List<StateCopy> copies, byte[] metadata) {
    public Relocation {
        copies = List.copyOf(copies);
        Objects.requireNonNull(metadata, "metadata");
        if (copies.stream().map(StateCopy::name).distinct().count() != copies.size()) {
            throw new IllegalArgumentException("two pieces of state share one name in the target");
        }
    }
}
