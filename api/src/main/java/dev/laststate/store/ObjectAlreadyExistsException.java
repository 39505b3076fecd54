package dev.laststate.store;

/** A write that required the object to be absent found it present. */
public class ObjectAlreadyExistsException extends ConditionFailedException {
    private static final long serialVersionUID = 1L;

    public ObjectAlreadyExistsException(StoreUri uri, String message, Throwable cause) {
        super(uri, message, cause);
    }
}
