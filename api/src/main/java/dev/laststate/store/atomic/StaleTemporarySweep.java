package dev.laststate.store.atomic;

import dev.laststate.store.ReservedNames;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Removes the temporary files that writers killed mid-write left behind: the first time a store instance
 * writes into a directory, its temporary files there older than {@link ReservedNames#ABANDONED_TEMP_AGE} go
 * (one listing per directory per instance). A name with the reserved prefix that is not a temporary name this
 * store gives out, and anything that is not a regular file, is never removed. Best effort throughout: a file
 * that cannot be removed now is tried again by the next instance, and the write itself reports any real
 * problem with the directory.
 */
public final class StaleTemporarySweep {

    private final Set<String> swept = ConcurrentHashMap.newKeySet();
    private final Clock clock;

    public StaleTemporarySweep() {
        this(Clock.systemUTC());
    }

    StaleTemporarySweep(Clock clock) {
        this.clock = clock;
    }

    /** Sweeps {@code directory} unless this instance did so before. */
    public <P> void sweepOnce(RenamingFileSystem<P> fs, P directory) {
        if (!swept.add(fs.key(directory))) {
            return;
        }
        List<TemporaryFile<P>> candidates;
        try {
            candidates = fs.temporaries(directory);
        } catch (IOException e) {
            return; // the write itself reports any real problem with the directory
        }
        Instant now = clock.instant();
        for (TemporaryFile<P> candidate : candidates) {
            if (candidate.regularFile() && ReservedNames.isTemporary(candidate.name())
                    && ReservedNames.abandoned(candidate.lastModified(), now)) {
                try {
                    fs.delete(candidate.path());
                } catch (IOException ignored) {
                    // vanished, or not ours to remove
                }
            }
        }
    }
}
