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

        /** The bytes copied so far, as the last call reported. */
        long bytesCopied();

        /** The copied object; only once {@link #done()}. */
        T result() throws E;
    }

    /**
     * A rewrite that did not complete: the copy never appeared, since GCS makes it only at the call that says done.
     * An {@link IllegalStateException}, so the loop stays apart from any one SDK's exception types.
     */
    static final class UnfinishedRewriteException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        UnfinishedRewriteException(String message) {
            super(message);
        }
    }

    /**
     * Calls in a row that answer "not done" without copying anything more before the loop gives up: a rewrite
     * across locations may answer so a few times before it starts, but an answer that never advances (as a
     * "not done" without its rewrite token, which makes each call start over) would otherwise run to {@code maxCalls}.
     */
    static final int MAX_CALLS_WITHOUT_PROGRESS = 10;

    private Rewrites() {}

    /**
     * Calls the rewrite API until the copy is done and returns the copy. The SDK retries each call on
     * transient errors; this loop only continues a copy that is still making progress.
     *
     * @param maxCalls a bound against a server that never says done; a rewrite copies at least a chunk per
     *     call, so the bound is never reached by a real copy
     * @throws UnfinishedRewriteException when the copy is not done after {@code maxCalls} calls, or after
     *     {@link #MAX_CALLS_WITHOUT_PROGRESS} calls in a row that copied nothing more
     */
    static <T, E extends Exception> T complete(Rewrite<T, E> rewrite, int maxCalls) throws E {
        int calls = 1;
        int withoutProgress = 0;
        long copied = rewrite.bytesCopied();
        while (!rewrite.done()) {
            if (calls >= maxCalls) {
                throw new UnfinishedRewriteException("the rewrite was not done after " + calls + " calls");
            }
            if (withoutProgress >= MAX_CALLS_WITHOUT_PROGRESS) {
                throw new UnfinishedRewriteException("the rewrite copied nothing more in " + withoutProgress
                        + " calls in a row (stuck at " + copied + " bytes)");
            }
            rewrite.next();
            calls++;
            long now = rewrite.bytesCopied();
            withoutProgress = now > copied ? 0 : withoutProgress + 1;
            copied = Math.max(copied, now);
        }
        return rewrite.result();
    }
}
