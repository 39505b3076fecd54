package dev.laststate.store;

/** The store could not be reached or asked us to slow down; trying again later may succeed. */
public class StoreUnavailableException extends StoreException {
    private static final long serialVersionUID = 1L;

    public StoreUnavailableException(StoreUri uri, String message, Throwable cause) {
        super(uri, message, cause);
    }

    @Override
    public boolean retryable() {
        return true;
    }
}
