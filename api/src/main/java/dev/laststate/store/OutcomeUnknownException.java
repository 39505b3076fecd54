package dev.laststate.store;

/** A write may or may not have taken effect (a time-out, or a condition failure after the client retried): read before assuming either. */
public class OutcomeUnknownException extends StoreException {
    private static final long serialVersionUID = 1L;

    public OutcomeUnknownException(StoreUri uri, String message, Throwable cause) {
        super(uri, message, cause);
    }

    @Override
    public boolean retryable() {
        return true;
    }
}
