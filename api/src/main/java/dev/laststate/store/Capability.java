package dev.laststate.store;

/**
 * What a store can do beyond the operations every store has. Declared as data: the promoter and the
 * TCK read it, and a store without a capability refuses the operation with
 * {@link UnsupportedStoreOperationException} instead of approximating it.
 */
public enum Capability {
    /** {@link WriteCondition#ifAbsent()} is atomic on the server. */
    CONDITIONAL_CREATE,
    /** {@link WriteCondition#ifVersionMatches(String)} is atomic on the server. */
    CONDITIONAL_REPLACE,
    /** {@link CheckpointStore#copy} runs in the store; no bytes pass through laststate. */
    SERVER_SIDE_COPY,
    /**
     * {@link CheckpointStore#readStream} and {@link CheckpointStore#writeStream} hold a bounded amount of memory
     * (a buffer, one part or chunk) however large the object; without it they pass whole objects through memory.
     */
    BOUNDED_STREAMS
}
