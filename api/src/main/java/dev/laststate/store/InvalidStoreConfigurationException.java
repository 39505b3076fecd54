package dev.laststate.store;

/** A backend option that is unknown, malformed or out of range; bad input, never an I/O failure. */
public final class InvalidStoreConfigurationException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public InvalidStoreConfigurationException(String message) {
        super(message);
    }
}
