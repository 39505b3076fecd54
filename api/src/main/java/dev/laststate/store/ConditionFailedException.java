package dev.laststate.store;

/** A conditional write found the object in another state than required (its version changed, or it exists). */
public class ConditionFailedException extends StoreException {
    private static final long serialVersionUID = 1L;

    public ConditionFailedException(StoreUri uri, String message, Throwable cause) {
        super(uri, message, cause);
    }
}
