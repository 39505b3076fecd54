package dev.laststate.tck;

import static dev.laststate.tck.CheckpointTree.JOB;
import static org.assertj.core.api.Assertions.assertThat;

import dev.laststate.flink.FlinkLayout;
import dev.laststate.flink.LastState;
import dev.laststate.flink.LastStateReader;
import dev.laststate.flink.Promoter;
import dev.laststate.flink.PromotionRequest;
import dev.laststate.flink.PromotionResult;
import dev.laststate.flink.PromotionStatus;
import dev.laststate.store.Listing;
import dev.laststate.store.ObjectInfo;
import dev.laststate.store.StoreException;
import dev.laststate.store.StoreUri;
import dev.laststate.store.file.FileCheckpointStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Eight promoters started at once, again and again, on the local store while "Flink" keeps completing
 * checkpoints and subsuming the older ones (state files first, {@code _metadata} last: the order hardest on a
 * promoter, which Flink itself reverses), as the attack that once saw the previous generation's files deleted
 * while the next was served ran it.
 */
class RacingPromotersUnderFlinkTest {

    private static final int PROMOTERS = 8;
    private static final int ROUNDS = 20;

    @TempDir
    Path temp;

    @Test
    void thePromotedIdNeverGoesBackAndBothRetainedGenerationsAlwaysHaveTheirFiles() throws Exception {
        FileCheckpointStore store = new FileCheckpointStore();
        StoreUri root = StoreUri.ofLocalPath(temp.toRealPath().toString());
        StoreUri target = root.resolve(FlinkLayout.DEFAULT_TARGET);
        CheckpointTree tree = new CheckpointTree(store, root);
        AtomicLong newest = new AtomicLong(1);
        tree.checkpoint(JOB, 1, 4);
        AtomicBoolean flinkRuns = new AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(PROMOTERS + 1);
        try {
            Future<?> flink = pool.submit(() -> {
                while (flinkRuns.get()) {
                    long id = newest.get() + 1;
                    tree.checkpoint(JOB, id, 4);
                    newest.set(id);
                    StoreUri subsumed = tree.jobDir(JOB).resolve("chk-" + (id - 1));
                    for (String name : CheckpointTree.fileNames(JOB, id - 1, 4)) {
                        store.delete(subsumed.resolve(name));
                    }
                    Thread.sleep(100); // a checkpoint every 100 ms: far more often than Flink is ever set to
                }
                return null;
            });
            long promoted = 0;
            for (int round = 0; round < ROUNDS; round++) {
                CyclicBarrier start = new CyclicBarrier(PROMOTERS);
                List<Future<PromotionResult>> runs = new ArrayList<>();
                for (int p = 0; p < PROMOTERS; p++) {
                    runs.add(pool.submit(() -> {
                        start.await();
                        return new Promoter(store).promote(PromotionRequest.builder(root, JOB).maxAttempts(50).build());
                    }));
                }
                for (Future<PromotionResult> run : runs) {
                    assertThat(run.get(2, TimeUnit.MINUTES).status()).isIn(PromotionStatus.PROMOTED, PromotionStatus.UNCHANGED);
                }
                LastState state = new LastStateReader(store).read(target).orElseThrow();
                assertThat(state.consistent()).as("round " + round).isTrue();
                long current = state.record().current().checkpointId().orElseThrow();
                assertThat(current).as("round " + round + ": never backwards").isGreaterThanOrEqualTo(promoted);
                promoted = current;
                for (String name : state.record().current().files()) {
                    assertThat(store.stat(target.resolve(name))).as("round " + round + ", current: " + name).isPresent();
                }
                for (String name : state.record().previous().map(g -> g.files()).orElse(List.of())) {
                    assertThat(store.stat(target.resolve(name))).as("round " + round + ", previous: " + name).isPresent();
                }
            }
            flinkRuns.set(false);
            flink.get(1, TimeUnit.MINUTES);

            // Once the runs that lost a race are past their grace period, nothing but the two generations is left.
            Clock later = Clock.offset(Clock.systemUTC(), Promoter.DEFAULT_STALE_RUN_GRACE.plus(Duration.ofMinutes(1)));
            new Promoter(store, later).promote(PromotionRequest.of(root, JOB));
            LastState last = new LastStateReader(store).read(target).orElseThrow();
            Set<String> expected = new HashSet<>(last.record().current().files());
            last.record().previous().ifPresent(g -> expected.addAll(g.files()));
            expected.add(FlinkLayout.POINTER_RECORD);
            assertThat(objects(store, target, target)).containsExactlyInAnyOrderElementsOf(expected);
        } finally {
            flinkRuns.set(false);
            pool.shutdownNow();
        }
    }

    private static List<String> objects(FileCheckpointStore store, StoreUri base, StoreUri dir) throws StoreException {
        List<String> names = new ArrayList<>();
        Listing listing = store.list(dir);
        for (ObjectInfo object : listing.objects()) {
            names.add(base.relativize(object.uri()));
        }
        for (String sub : listing.directories()) {
            names.addAll(objects(store, base, dir.resolve(sub)));
        }
        return names;
    }
}
