package dev.laststate.cli;

import dev.laststate.flink.Snapshot;
import java.util.List;
import java.util.Optional;

/**
 * What {@code list} finds of one job: its complete snapshots, newest first, and the one promote would choose.
 *
 * @param newest the snapshot promote would choose, empty when the job has none
 */
record JobSnapshots(String jobId, Optional<Snapshot> newest, List<Snapshot> snapshots) {

    JobSnapshots {
        snapshots = List.copyOf(snapshots);
    }

    /** Whether {@code snapshot} is the one promote would choose. */
    boolean isNewest(Snapshot snapshot) {
        return newest.map(n -> n.directory().equals(snapshot.directory())).orElse(false);
    }
}
