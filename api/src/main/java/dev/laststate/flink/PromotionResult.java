package dev.laststate.flink;

import dev.laststate.store.StoreUri;
import java.time.Duration;
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
 */
public record PromotionResult(PromotionStatus status, Snapshot snapshot, StoreUri target, long filesCopied, long bytesCopied,
                              Duration duration, Optional<String> reason) {
    public PromotionResult {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(snapshot, "snapshot");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(reason, "reason");
    }
}
