package dev.laststate.flink;

import dev.laststate.store.StoreUri;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How a promotion ended.
 *
 * @param status promoted, unchanged, dry run or refused
 * @param snapshot the newest complete snapshot that was considered
 * @param target the promotion target
 * @param filesCopied objects copied into the target by the attempt that committed
 * @param bytesCopied their bytes
 * @param duration the whole promotion's wall time
 * @param reason why it was refused or unchanged, or a note on what happened
 * @param warnings what went wrong after the commit without undoing it (the pointer record or the clean-up
 *     could not be finished; the next run finishes them), or what a caller should know of how it committed
 *     (an unconditional commit on a store without conditional writes)
 * @param copyPath where the bytes of the copies went: inside the store, or through this process
 * @param conditionalCommit whether {@code _metadata} and the pointer record were written on the store's own
 *     conditions; without them racing promoters are not excluded
 */
public record PromotionResult(PromotionStatus status, Snapshot snapshot, StoreUri target, long filesCopied, long bytesCopied,
                              Duration duration, Optional<String> reason, List<String> warnings, CopyPath copyPath,
                              boolean conditionalCommit) {

    /** The warning of a commit that ran without the store's conditions. */
    public static final String UNCONDITIONAL_COMMIT =
            "unconditional commit: racing promoters are not excluded (the store has no conditional writes)";

    /** Where a store's copies move the bytes ({@link dev.laststate.store.Capability#SERVER_SIDE_COPY}). */
    public enum CopyPath {
        /** The store copies; no bytes pass through laststate. */
        IN_STORE,
        /** The bytes are read and written again by this process. */
        THROUGH_CLIENT
    }

    public PromotionResult {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(snapshot, "snapshot");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(reason, "reason");
        warnings = List.copyOf(warnings);
        Objects.requireNonNull(copyPath, "copyPath");
    }
}
