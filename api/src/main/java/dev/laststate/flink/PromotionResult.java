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
 */
public record PromotionResult(PromotionStatus status, Snapshot snapshot, StoreUri target, long filesCopied, long bytesCopied,
                              Duration duration, Optional<String> reason, List<String> warnings) {
    public PromotionResult {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(snapshot, "snapshot");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(reason, "reason");
        warnings = List.copyOf(warnings);
    }

    /** A result without warnings. */
    public PromotionResult(PromotionStatus status, Snapshot snapshot, StoreUri target, long filesCopied, long bytesCopied,
                           Duration duration, Optional<String> reason) {
        this(status, snapshot, target, filesCopied, bytesCopied, duration, reason, List.of());
    }
}
