package dev.laststate.flink;

/** How a promotion ended. */
public enum PromotionStatus {
    /** The snapshot was promoted: the target (or the pointer record) now holds it. */
    PROMOTED,
    /** The target already holds the newest snapshot; nothing was written. */
    UNCHANGED,
    /** A dry run: nothing was written; the result says what would have been promoted. */
    DRY_RUN,
    /** A guard refused the promotion; nothing was written; the reason says why. */
    REFUSED
}
