package dev.laststate.flink;

import dev.laststate.store.StoreUri;

/** The pointer record exists but cannot be understood (malformed, or written by a newer laststate). */
public final class CorruptPointerRecordException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient StoreUri uri;

    public CorruptPointerRecordException(StoreUri uri, String problem, Throwable cause) {
        super("cannot read the pointer record " + uri + ": " + problem, cause);
        this.uri = uri;
    }

    public StoreUri uri() {
        return uri;
    }
}
