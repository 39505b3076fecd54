package dev.laststate.store.atomic;

import java.time.Instant;
import java.util.Objects;

/**
 * A file that {@link RenamingFileSystem#temporaries} found.
 *
 * @param path where it is
 * @param name its name within its directory
 * @param regularFile whether it is a regular file (not a directory or a link)
 * @param lastModified when it was last written
 */
public record TemporaryFile<P>(P path, String name, boolean regularFile, Instant lastModified) {

    public TemporaryFile {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(lastModified, "lastModified");
    }
}
