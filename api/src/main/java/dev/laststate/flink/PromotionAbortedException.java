package dev.laststate.flink;

/**
 * The promotion could not finish consistently within its attempts (the newest snapshot kept changing
 * or vanishing under it, or other promoters kept winning); nothing was committed.
 */
public final class PromotionAbortedException extends Exception {
    private static final long serialVersionUID = 1L;

    public PromotionAbortedException(String message, Throwable cause) {
        super(message, cause);
    }
}
