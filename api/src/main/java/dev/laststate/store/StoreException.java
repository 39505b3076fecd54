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

    /**
     * An answer without a field the contract needs, or one cut off on the way: a store failure, never an
     * unchecked exception. The one wording every store uses.
     *
     * @param what what was missing or wrong, as in {@code no ETag}
     */
    public static StoreException malformedAnswer(StoreUri uri, String action, String what) {
        return new StoreException(uri, "cannot " + action + " " + uri + ": the answer is malformed or cut off (" + what + ")", null);
    }

    /** Whether trying the same operation again later may succeed. */
    public boolean retryable() {
        return false;
    }
}
