package dev.laststate.store;

/** A location that cannot be parsed or is not allowed; bad input, never an I/O failure. */
public final class InvalidStoreUriException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String input;

    public InvalidStoreUriException(String input, String problem) {
        super("invalid location '" + input + "': " + problem);
        this.input = input;
    }

    /** The text that was rejected. */
    public String input() {
        return input;
    }
}
