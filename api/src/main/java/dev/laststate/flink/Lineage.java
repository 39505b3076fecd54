package dev.laststate.flink;

/** Whether a running job restored its state or started empty, as far as its job source can tell. */
public enum Lineage {
    /** The job was restored from a checkpoint or savepoint. */
    RESTORED,
    /** The job started without state; promoting it over existing state would lose that state. */
    STARTED_EMPTY,
    /** The job source cannot tell (a static job id, a storage scan). */
    UNKNOWN
}
