package dev.laststate.flink;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * The guards of a promotion, as a pure decision over what the target holds and what would replace it: no
 * I/O, so every rule is a row of a table test. The promoter reads the target, asks here, and acts.
 *
 * <ul>
 *   <li>A corrupt pointer record is never overwritten unless forced.</li>
 *   <li>A job that started empty does not replace another lineage's state unless a fresh start is allowed.</li>
 *   <li>A snapshot older than (or as new as, but not the same as) the one held is refused unless forced.</li>
 *   <li>A target laststate did not record (a bare {@code _metadata}) is compared by its header's checkpoint id;
 *       an unreadable one is refused unless forced.</li>
 *   <li>The snapshot already held, in the same mode, is unchanged: nothing to do.</li>
 * </ul>
 */
final class Guards {

    /**
     * What the target holds, as the guards see it.
     *
     * @param corruptRecord the message of a pointer record that cannot be parsed
     * @param record the pointer record as parsed, whether or not it describes the served {@code _metadata}
     * @param trusted the record that describes the target as it is (its own, or a dead run's pending record)
     * @param hasMetadata whether a {@code _metadata} is served
     * @param metadataId the checkpoint id in the served {@code _metadata}'s header, where no record is trusted
     *     and it was read; empty when it could not be read
     */
    record Held(Optional<String> corruptRecord, Optional<PointerRecord> record, Optional<PointerRecord> trusted,
                boolean hasMetadata, OptionalLong metadataId) {

        /** An empty target. */
        static Held nothing() {
            return new Held(Optional.empty(), Optional.empty(), Optional.empty(), false, OptionalLong.empty());
        }

        boolean holdsState() {
            return record.isPresent() || corruptRecord.isPresent() || hasMetadata;
        }
    }

    private Guards() {}

    /** Why {@code candidate} must not replace what the target holds, or empty when it may. */
    static Optional<String> refusal(Held held, Snapshot candidate, PromotionRequest request) {
        if (held.corruptRecord().isPresent() && !request.force()) {
            return Optional.of(held.corruptRecord().get()
                    + "; nothing was changed (repair or delete it, or promote with --force to replace it)");
        }
        // The job's own earlier snapshot in the target is its lineage, not state it would replace.
        boolean holdsThisJob = held.record().map(r -> r.current().jobId().equals(request.jobId())).orElse(false);
        if (request.lineage() == Lineage.STARTED_EMPTY && held.holdsState() && !holdsThisJob && !request.allowFreshStart()) {
            return Optional.of("job " + request.jobId() + " started without restoring state, while " + request.target()
                    + " holds " + held.trusted().map(r -> r.current().describe()).orElse("a promoted snapshot")
                    + "; promoting it would replace that state (restore the job from "
                    + held.trusted().map(r -> r.restorePath(request.target())).orElse(request.target())
                    + ", or pass --allow-fresh-start)");
        }
        // A job that started empty counts its checkpoint ids from 1 again: allowing it means replacing the old
        // lineage, so comparing ids with that lineage would refuse every fresh start.
        if (request.force() || request.lineage() == Lineage.STARTED_EMPTY && request.allowFreshStart()) {
            return Optional.empty();
        }
        if (held.trusted().isPresent()) {
            Generation current = held.trusted().get().current();
            if (current.holds(candidate)) {
                return Optional.empty();
            }
            int newness = current.compareNewness(candidate);
            if (newness <= 0) {
                return Optional.of(candidate.describe() + (newness < 0 ? " is older than " : " is not newer than ")
                        + current.describe() + ", which " + request.target() + " holds (pass --force to promote it anyway)");
            }
            return Optional.empty();
        }
        if (!held.hasMetadata() && held.record().isEmpty()) {
            return Optional.empty();
        }
        // The record (if any) does not describe the target's _metadata: a promoter stopped between its two
        // writes, or something other than laststate wrote one of them. Compare with both.
        OptionalLong heldId = OptionalLong.empty();
        if (held.hasMetadata()) {
            if (held.metadataId().isEmpty()) {
                return Optional.of(request.target().resolve(FlinkLayout.METADATA) + " is not described by a laststate"
                        + " pointer record and its checkpoint id cannot be read (pass --force to replace it)");
            }
            heldId = held.metadataId();
        }
        OptionalLong recorded = held.record().map(r -> r.current().checkpointId()).orElse(OptionalLong.empty());
        if (recorded.isPresent() && (heldId.isEmpty() || recorded.getAsLong() > heldId.getAsLong())) {
            heldId = recorded;
        }
        if (heldId.isPresent() && (candidate.checkpointId().isEmpty() || candidate.checkpointId().getAsLong() < heldId.getAsLong())) {
            return Optional.of(candidate.describe() + " is older than checkpoint " + heldId.getAsLong() + ", which "
                    + request.target() + " holds (pass --force to promote it anyway)");
        }
        return Optional.empty();
    }

    /** Whether the target already holds {@code candidate} in the requested mode, so there is nothing to do. */
    static boolean unchanged(Held held, Snapshot candidate, PromotionRequest request) {
        Optional<PointerRecord> trusted = held.trusted();
        if (trusted.isEmpty() || trusted.get().mode() != request.mode()) {
            return false;
        }
        return trusted.get().current().holds(candidate) && (request.mode() == PromotionMode.POINTER || held.hasMetadata());
    }
}
