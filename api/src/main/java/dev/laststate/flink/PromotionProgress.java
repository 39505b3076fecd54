package dev.laststate.flink;

/**
 * What a promotion in copy mode reports while it copies, for a caller that shows progress or lets a person
 * stop it. Every method does nothing by default; none may throw.
 */
public interface PromotionProgress {

    /** Reports nothing. */
    PromotionProgress NONE = new PromotionProgress() {};

    /**
     * An attempt is about to copy {@code snapshot}: {@code files} objects of {@code bytes} in all, all but its
     * {@code _metadata}, which the commit writes. A retried attempt (the snapshot vanished, a newer one
     * completed) starts again. Called on the promoting thread.
     */
    default void copying(Snapshot snapshot, long files, long bytes) {}

    /** One object of {@code bytes} was copied. Called on the copying threads, concurrently. */
    default void copied(long bytes) {}

    /**
     * The copies are done and checked; the commit of {@code _metadata} follows. Called on the promoting thread:
     * when that thread is interrupted by the time this returns, the promotion is abandoned before the commit
     * (nothing committed, the run's copies discarded). A caller that stops promotions by interrupting them
     * must not interrupt once this has returned: the commit and then the pointer record are being written.
     */
    default void committing(Snapshot snapshot) {}
}
