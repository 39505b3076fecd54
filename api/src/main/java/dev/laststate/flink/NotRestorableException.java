package dev.laststate.flink;

/**
 * A {@link PreCommitCheck} found the copied snapshot not restorable (a file its {@code _metadata}
 * references is missing, or Flink cannot read it); the promotion stopped before its commit, so the target
 * still serves the generation it served before.
 */
public final class NotRestorableException extends Exception {
    private static final long serialVersionUID = 1L;

    public NotRestorableException(String message, Throwable cause) {
        super(message, cause);
    }
}
