package dev.laststate.verify;

import dev.laststate.store.StoreUri;
import java.util.List;
import java.util.Objects;

/**
 * What {@link SnapshotVerifier} found for one snapshot directory.
 *
 * @param directory the directory holding {@code _metadata}
 * @param checkpointId the checkpoint id inside {@code _metadata}
 * @param files every distinct file {@code _metadata} references, in the order first met
 * @param missing the files of {@code files} that do not exist
 * @param inlineHandles state handles whose bytes are inside {@code _metadata} (nothing to check)
 */
public record Verification(StoreUri directory, long checkpointId, List<StateFile> files, List<StateFile> missing,
                           int inlineHandles) {
    public Verification {
        Objects.requireNonNull(directory, "directory");
        files = List.copyOf(files);
        missing = List.copyOf(missing);
    }

    /**
     * The files outside {@link #directory()}: the snapshot restores only while they stay where they are (an
     * incremental checkpoint's {@code shared/} files, which Flink deletes once no checkpoint of its own needs them).
     */
    public List<StateFile> outside() {
        return files.stream().filter(f -> !directory.contains(f.uri())).toList();
    }

    /** Whether every file this snapshot needs lies inside its directory, as in a relocated promotion. */
    public boolean selfContained() {
        return outside().isEmpty();
    }

    /** Whether Flink finds every file this snapshot needs. */
    public boolean restorable() {
        return missing.isEmpty();
    }
}
