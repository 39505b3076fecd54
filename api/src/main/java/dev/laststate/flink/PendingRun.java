package dev.laststate.flink;

import dev.laststate.store.ObjectInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * A pending record found in {@code <target>/_laststate-pending/}: the record a promotion wrote before its
 * first copy. It belongs to a run that is still copying, one that committed (and may have died before its
 * pointer record or its clean-up), or one that died before committing.
 *
 * @param info the pending record object (its last-modified time is the store's clock, the same for every
 *     promoter)
 * @param record its content, or empty when it cannot be read (such an object is removed once stale)
 */
record PendingRun(ObjectInfo info, Optional<PointerRecord> record) {

    /** Whether its run started longer than {@code grace} ago: alive no longer, because runs give up before that. */
    boolean stale(Instant now, Duration grace) {
        return Duration.between(info.lastModified(), now).compareTo(grace) > 0;
    }

    /** Whether {@code committed} is the record this run wrote (or would have written) after its commit. */
    boolean wrote(PointerRecord committed) {
        return record.isPresent() && sameRun(record.get(), committed);
    }

    /**
     * Two records of the same promotion: the same snapshot committed with the same {@code _metadata} digest.
     * Two runs racing to promote one snapshot write two such pending records; either describes the commit.
     */
    static boolean sameRun(PointerRecord a, PointerRecord b) {
        return a.metadataDigest().isPresent() && a.metadataDigest().equals(b.metadataDigest())
                && a.current().source().equals(b.current().source())
                && a.current().completedAt().equals(b.current().completedAt());
    }
}
