package dev.laststate.store;

/** The object (or, for {@link ContainerNotFoundException}, its bucket or container) does not exist. */
public class StoreNotFoundException extends StoreException {
    private static final long serialVersionUID = 1L;

    public StoreNotFoundException(StoreUri uri, String message, Throwable cause) {
        super(uri, message, cause);
    }

    /** The one wording every store uses: {@code cannot <action> <uri>: no such object}. */
    public static StoreNotFoundException noSuchObject(StoreUri uri, String action) {
        return new StoreNotFoundException(uri, "cannot " + action + " " + uri + ": no such object", null);
    }
}
