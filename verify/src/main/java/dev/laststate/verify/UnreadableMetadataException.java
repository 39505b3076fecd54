package dev.laststate.verify;

import dev.laststate.store.StoreUri;

/**
 * A snapshot's {@code _metadata} is missing, cannot be parsed by Flink, or references state laststate cannot
 * check: the snapshot cannot be shown to be restorable.
 */
public final class UnreadableMetadataException extends Exception {

    private final StoreUri metadata;

    public UnreadableMetadataException(StoreUri metadata, String reason, Throwable cause) {
        super(metadata + ": " + reason, cause);
        this.metadata = metadata;
    }

    /** The {@code _metadata} in question. */
    public StoreUri metadata() {
        return metadata;
    }
}
