package dev.laststate.gcs;

/**
 * The loop of a server-side copy through GCS's rewrite API, apart from the SDK so it can be driven with
 * scripted answers. One rewrite call copies at most a chunk (objects across locations or storage classes,
 * large objects); the answer then carries a token, and the copy is complete only once a call says done.
 */
final class Rewrites {

    /** A rewrite in progress; the first call has already been made when the caller gets it. */
    interface Rewrite<T, E extends Exception> {
        /** Whether the last call completed the copy. */
        boolean done();

        /** Makes the next rewrite call, passing the token of the last answer. */
        void next() throws E;

        /** The copied object; only once {@link #done()}. */
        T result() throws E;
    }

    private Rewrites() {}

    /**
     * Calls the rewrite API until the copy is done and returns the copy. The SDK retries each call on
     * transient errors; this loop only continues a copy that is still making progress.
     *
     * @param maxCalls a bound against a server that never says done; a rewrite copies at least a chunk per
     *     call, so the bound is never reached by a real copy
     * @throws IllegalStateException when the copy is not done after {@code maxCalls} calls
     */
    static <T, E extends Exception> T complete(Rewrite<T, E> rewrite, int maxCalls) throws E {
        int calls = 1;
        while (!rewrite.done()) {
            if (calls >= maxCalls) {
                throw new IllegalStateException("the rewrite was not done after " + calls + " calls");
            }
            rewrite.next();
            calls++;
        }
        return rewrite.result();
    }
}
