package dev.laststate.flink;

/** Checkpoints belong to a job's directory and are deleted by Flink; savepoints are the user's. */
public enum SnapshotKind {
    CHECKPOINT,
    SAVEPOINT
}
