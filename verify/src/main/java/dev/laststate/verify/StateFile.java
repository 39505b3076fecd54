package dev.laststate.verify;

import dev.laststate.store.StoreUri;
import java.util.Objects;

/**
 * A file a snapshot's {@code _metadata} references.
 *
 * @param uri where the file is: relative references resolved against the snapshot directory
 * @param relative whether {@code _metadata} names it relative to its own directory (the snapshot's exclusive
 *     state), rather than by absolute path ({@code shared/}, {@code taskowned/}, file-merging segments)
 */
public record StateFile(StoreUri uri, boolean relative) {
    public StateFile {
        Objects.requireNonNull(uri, "uri");
    }
}
