package dev.laststate.store;

/** The store cannot perform the operation (see {@link Capability}); nothing was changed. */
public class UnsupportedStoreOperationException extends StoreException {
    private static final long serialVersionUID = 1L;

    public UnsupportedStoreOperationException(StoreUri uri, String message, Throwable cause) {
        super(uri, message, cause);
    }
}
