package dev.laststate.verify;

import dev.laststate.store.StoreUri;

/**
 * A directory holds nothing to verify: neither a pointer record nor a {@code _metadata}. Distinct from
 * "nothing to promote" (no job or no snapshot in the checkpoint directory), though the CLI exits 3 for both.
 */
public final class NothingToVerifyException extends Exception {
    private static final long serialVersionUID = 1L;

    private final StoreUri directory;

    public NothingToVerifyException(StoreUri directory, String message) {
        super(message);
        this.directory = directory;
    }

    /** The directory that was to be verified. */
    public StoreUri directory() {
        return directory;
    }
}
