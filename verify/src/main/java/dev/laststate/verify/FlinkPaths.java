package dev.laststate.verify;

import dev.laststate.store.StoreUri;
import org.apache.flink.core.fs.Path;

/** Flink's paths as store locations. */
final class FlinkPaths {

    private FlinkPaths() {}

    /**
     * The location Flink opens for {@code path}: its text, not its URI form, which would escape a space or a
     * {@code %} in a directory name ({@code my%20checkpoints}) where stores take names literally. A path without
     * scheme is local, as Flink reads it.
     */
    static StoreUri location(Path path) {
        return StoreUri.parse(path.toString());
    }
}
