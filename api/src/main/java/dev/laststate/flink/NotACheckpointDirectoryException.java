package dev.laststate.flink;

import dev.laststate.store.StoreUri;

/**
 * The location given as the checkpoint directory cannot be one: a local directory that does not exist, a file,
 * or a job directory ({@code <checkpoint-dir>/<jobId>}) given instead of its parent. Bad input, never "nothing
 * yet": it is an {@link IllegalArgumentException}, like every other bad location.
 */
public final class NotACheckpointDirectoryException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final transient StoreUri location;

    public NotACheckpointDirectoryException(StoreUri location, String message) {
        super(message);
        this.location = location;
    }

    public StoreUri location() {
        return location;
    }
}
