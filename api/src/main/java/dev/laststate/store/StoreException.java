package dev.laststate.store;

import java.io.IOException;

/**
 * A failed store operation. The subclasses form a closed vocabulary (not found, already exists or
 * condition failed, access denied, unavailable, outcome unknown, unsupported); a backend classifies
 * its SDK's errors once, where they are thrown, and keeps the SDK exception as the cause.
 * A plain {@code StoreException} is an unexpected failure that fits none of them.
 */
public class StoreException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient StoreUri uri;

    public StoreException(StoreUri uri, String message, Throwable cause) {
        super(message, cause);
        this.uri = uri;
    }

    /** The location the operation was about. */
    public StoreUri uri() {
        return uri;
    }

    /** Whether trying the same operation again later may succeed. */
    public boolean retryable() {
        return false;
    }
}
