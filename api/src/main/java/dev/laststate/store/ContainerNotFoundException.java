package dev.laststate.store;

/** The bucket, container or file system named by the location's authority does not exist. */
public class ContainerNotFoundException extends StoreNotFoundException {
    private static final long serialVersionUID = 1L;

    public ContainerNotFoundException(StoreUri uri, String message, Throwable cause) {
        super(uri, message, cause);
    }
}
