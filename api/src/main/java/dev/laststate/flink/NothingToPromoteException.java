package dev.laststate.flink;

/** No job, or no complete checkpoint or savepoint, was found where one was looked for. */
public final class NothingToPromoteException extends Exception {
    private static final long serialVersionUID = 1L;

    public NothingToPromoteException(String message) {
        super(message);
    }
}
