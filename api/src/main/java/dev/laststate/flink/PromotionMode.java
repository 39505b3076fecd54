package dev.laststate.flink;

/** How a snapshot is promoted. */
public enum PromotionMode {
    /** Copy the snapshot's directory into the target; restore from the target. */
    COPY,
    /** Copy nothing; the pointer record names the snapshot, restore from where it is. */
    POINTER
}
