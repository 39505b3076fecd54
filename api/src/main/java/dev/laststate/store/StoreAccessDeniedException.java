package dev.laststate.store;

/** The credentials in use may not perform the operation. */
public class StoreAccessDeniedException extends StoreException {
    private static final long serialVersionUID = 1L;

    public StoreAccessDeniedException(StoreUri uri, String message, Throwable cause) {
        super(uri, message, cause);
    }
}
