package dev.laststate.gcs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rewrite loop of a server-side copy, driven with scripted answers of the rewrite API. */
class RewritesTest {

    /**
     * A rewrite whose answers are scripted: the first call (made before the loop gets it) and each
     * {@link #next()} take the next answer; an answer is the number of bytes copied so far, and the copy is
     * done once it reaches the size.
     */
    private static final class ScriptedRewrite implements Rewrites.Rewrite<String, RuntimeException> {
        private final long size;
        private final List<Long> progress;
        final List<String> calls = new ArrayList<>();
        private long copied;

        ScriptedRewrite(long size, List<Long> progress) {
            this.size = size;
            this.progress = progress;
            call();
        }

        private void call() {
            if (calls.size() >= progress.size()) {
                throw new AssertionError("rewrite called again after " + calls);
            }
            copied = progress.get(calls.size());
            calls.add("call " + (calls.size() + 1) + ": " + copied + " of " + size);
        }

        @Override
        public boolean done() {
            return copied >= size;
        }

        @Override
        public void next() {
            call();
        }

        @Override
        public long bytesCopied() {
            return copied;
        }

        @Override
        public String result() {
            if (!done()) {
                throw new AssertionError("result asked for before the rewrite was done");
            }
            return "copy of " + size + " bytes";
        }
    }

    @Test
    void aRewriteDoneInOneCallIsNotContinued() {
        ScriptedRewrite rewrite = new ScriptedRewrite(10, List.of(10L));

        assertThat(Rewrites.complete(rewrite, 100)).isEqualTo("copy of 10 bytes");
        assertThat(rewrite.calls).hasSize(1);
    }

    @Test
    void aRewriteThatNeedsThreeCallsIsContinuedUntilDone() {
        ScriptedRewrite rewrite = new ScriptedRewrite(3_000, List.of(1_000L, 2_000L, 3_000L));

        assertThat(Rewrites.complete(rewrite, 100)).isEqualTo("copy of 3000 bytes");
        assertThat(rewrite.calls).containsExactly("call 1: 1000 of 3000", "call 2: 2000 of 3000", "call 3: 3000 of 3000");
    }

    @Test
    void callsWithoutProgressAreContinuedToo() {
        // A rewrite across locations may answer "not done" without having copied anything yet.
        ScriptedRewrite rewrite = new ScriptedRewrite(5, List.of(0L, 0L, 5L));

        assertThat(Rewrites.complete(rewrite, 100)).isEqualTo("copy of 5 bytes");
        assertThat(rewrite.calls).hasSize(3);
    }

    @Test
    void aRewriteThatStopsAdvancingFailsAfterABoundedNumberOfCalls() {
        // As when an answer says "not done" without its rewrite token: every call starts over and copies the same.
        List<Long> stuck = java.util.Collections.nCopies(100, 4L);
        ScriptedRewrite rewrite = new ScriptedRewrite(10, stuck);

        assertThatThrownBy(() -> Rewrites.complete(rewrite, 1_000)).isInstanceOf(Rewrites.UnfinishedRewriteException.class)
                .hasMessageContaining("copied nothing more");
        assertThat(rewrite.calls).hasSize(1 + Rewrites.MAX_CALLS_WITHOUT_PROGRESS);
    }

    @Test
    void aRewriteThatNeverFinishesFailsAtTheBound() {
        ScriptedRewrite rewrite = new ScriptedRewrite(10, List.of(1L, 2L, 3L, 4L));

        assertThatThrownBy(() -> Rewrites.complete(rewrite, 3)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("3 calls");
        assertThat(rewrite.calls).hasSize(3);
    }
}
