package dev.laststate.cli;

import static dev.laststate.cli.LocalFiles.fingerprint;
import static dev.laststate.tck.CheckpointTree.JOB;
import static org.assertj.core.api.Assertions.assertThat;

import dev.laststate.flink.FlinkLayout;
import dev.laststate.flink.RelocatedNames;
import dev.laststate.tck.CheckpointTree;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the shutdown hook of Ctrl-C does, run in-process: the test calls it while a promotion copies. The jar under
 * real signals is {@code InterruptedPromotionIT}.
 */
class InterruptedPromotionTest {

    private static final int STATE_FILES = 3000;

    @TempDir
    Path dir;

    @Test
    void aSignalDuringTheCopyAbandonsThePromotionAndRemovesItsCopies() throws Exception {
        CheckpointTree tree = CheckpointTree.inDirectory(dir).standard();
        Cli.succeeds("promote", "--store", dir.toString());
        Path target = tree.lastState().toLocalPath();
        Map<String, String> before = fingerprint(target);
        tree.checkpoint(JOB, 14, STATE_FILES);

        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Interruptions interruptions = Interruptions.none(new PrintWriter(err));
        CompletableFuture<Integer> promote = CompletableFuture.supplyAsync(() -> LastStateCommand.run(
                new String[] {"promote", "--store", dir.toString(), "--copy-concurrency", "1", "--quiet"},
                new PrintWriter(out), new PrintWriter(err), Map.of(), interruptions));
        awaitCopies(target, 50);

        interruptions.onSignal();

        assertThat(promote.get(30, TimeUnit.SECONDS)).isEqualTo(Interruptions.EXIT_CODE);
        assertThat(err.toString().lines()).containsExactly("laststate: interrupted; nothing was committed");
        assertThat(out.toString()).isEmpty();
        assertThat(fingerprint(target)).as("no copies, no pending record: what it served").isEqualTo(before);
        assertThat(Cli.succeeds("promote", "--store", dir.toString()).out()).startsWith("PROMOTED checkpoint 14");
    }

    @Test
    void aSignalWhenNoPromotionRunsIsOneLine() {
        StringWriter err = new StringWriter();
        Interruptions interruptions = Interruptions.none(new PrintWriter(err));

        interruptions.onSignal();

        assertThat(err.toString().lines()).containsExactly("laststate: interrupted");
    }

    @Test
    void afterTheCommandReturnedTheHookSaysNothing() {
        StringWriter err = new StringWriter();
        Interruptions interruptions = Interruptions.none(new PrintWriter(err));
        interruptions.finished();

        interruptions.onSignal(); // as on System.exit

        assertThat(err.toString()).isEmpty();
    }

    /** Waits until a run has written its pending record and copied {@code count} more files into {@code target}. */
    static void awaitCopies(Path target, int count) throws IOException, InterruptedException {
        long served = entries(target);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            Path pending = target.resolve(FlinkLayout.PENDING_RECORDS);
            if (entries(pending) > 0 && entries(target) >= served + count) {
                return;
            }
            Thread.sleep(2);
        }
        throw new AssertionError("the promotion copied fewer than " + count + " files within 60 s");
    }

    private static long entries(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        long entries;
        try (Stream<Path> files = Files.list(dir)) {
            entries = files.count();
        }
        Path state = dir.resolve(RelocatedNames.STATE_DIRECTORY); // where a relocated promotion copies to
        if (Files.isDirectory(state)) {
            try (Stream<Path> files = Files.list(state)) {
                entries += files.count();
            }
        }
        return entries;
    }
}
