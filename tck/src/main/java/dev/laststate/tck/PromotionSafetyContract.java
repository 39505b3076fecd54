package dev.laststate.tck;

import static dev.laststate.tck.CheckpointTree.JOB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.laststate.flink.FlinkLayout;
import dev.laststate.flink.LastState;
import dev.laststate.flink.LastStateReader;
import dev.laststate.flink.NotRestorableException;
import dev.laststate.flink.PromotionRequest;
import dev.laststate.flink.PromotionResult;
import dev.laststate.flink.PromotionStatus;
import dev.laststate.flink.Promoter;
import dev.laststate.flink.UnpromotableSnapshotException;
import dev.laststate.store.Capability;
import dev.laststate.store.OutcomeUnknownException;
import dev.laststate.store.StoreException;
import dev.laststate.store.StoreUri;
import dev.laststate.tck.RecordingCheckpointStore.Operation;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The promotion protocol under attack: racing clean-up, corrupt {@code _metadata}, outcomes the store cannot
 * tell, and runs that die at each step. Each test is a reproduction of a defect once found in the protocol;
 * pauses and deaths are placed deterministically through {@link RecordingCheckpointStore}'s hook. Part of
 * {@link CheckpointStoreTck}.
 */
public interface PromotionSafetyContract extends TckSupport {

    /** A failure thrown by a hook to stand for the process dying at that call: nothing after it runs. */
    final class Killed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public Killed(String where) {
            super("killed " + where);
        }
    }

    private StoreUri target() {
        return root().resolve(FlinkLayout.DEFAULT_TARGET);
    }

    private PromotionRequest request() {
        return PromotionRequest.of(root(), JOB);
    }

    private LastState lastState() throws Exception {
        return new LastStateReader(store()).read(target()).orElseThrow();
    }

    private Map<String, String> objects(StoreUri dir) throws StoreException {
        return objectsBelow(dir);
    }

    /** The names a target holding these generations has: their files and the pointer record, nothing else. */
    private static List<String> holding(long... ids) {
        List<String> names = new ArrayList<>();
        for (long id : ids) {
            names.addAll(CheckpointTree.fileNames(JOB, id, stateFiles(id)));
        }
        names.add(FlinkLayout.POINTER_RECORD);
        return names.stream().distinct().toList();
    }

    /** Checkpoints in these tests have a number of state files that tells them apart. */
    private static int stateFiles(long id) {
        return 2 + (int) id;
    }

    private StoreUri checkpoint(CheckpointTree tree, long id) throws StoreException {
        return tree.checkpoint(JOB, id, stateFiles(id));
    }

    /**
     * A subsumed checkpoint goes in the order hardest on a promoter, state files first and {@code _metadata} last
     * (Flink itself drops {@code _metadata} first; a promotion must be safe either way).
     */
    private void subsume(StoreUri checkpoint, long id) throws StoreException {
        for (String name : CheckpointTree.fileNames(JOB, id, stateFiles(id))) {
            store().delete(checkpoint.resolve(name));
        }
    }

    /** chk-1 promoted, then chk-2: the target holds chk-2 with chk-1 as its previous generation. */
    private CheckpointTree twoGenerations() throws Exception {
        CheckpointTree tree = new CheckpointTree(store(), root());
        checkpoint(tree, 1);
        new Promoter(store()).promote(request());
        checkpoint(tree, 2);
        new Promoter(store()).promote(request());
        assertThat(objects(target()).keySet()).containsExactlyInAnyOrderElementsOf(holding(2, 1));
        return tree;
    }

    @Test
    @RequiresCapability({Capability.CONDITIONAL_CREATE, Capability.CONDITIONAL_REPLACE})
    default void aRacingPromoterNeverDeletesTheGenerationAnotherOneJustCommitted() throws Exception {
        CheckpointTree tree = twoGenerations();
        StoreUri chk3 = checkpoint(tree, 3);
        CountDownLatch aPaused = new CountDownLatch(1);
        CountDownLatch aResume = new CountDownLatch(1);
        CountDownLatch bPaused = new CountDownLatch(1);
        CountDownLatch bResume = new CountDownLatch(1);
        AtomicBoolean aOnce = new AtomicBoolean();
        AtomicBoolean bOnce = new AtomicBoolean();
        // A stops in the middle of copying chk-3.
        RecordingCheckpointStore a = new RecordingCheckpointStore(store()).onCall(call -> {
            if (call.operation() == Operation.COPY && aOnce.compareAndSet(false, true)) {
                aPaused.countDown();
                await(aResume);
            }
        });
        // B commits chk-3 and stops before its pointer record, for longer than a reader waits for it.
        RecordingCheckpointStore b = new RecordingCheckpointStore(store()).onCall(call -> {
            if (writes(call, FlinkLayout.POINTER_RECORD)
                    && bOnce.compareAndSet(false, true)) {
                bPaused.countDown();
                await(bResume);
            }
        });
        CompletableFuture<PromotionResult> promoterA = CompletableFuture.supplyAsync(() -> promote(a));
        assertThat(aPaused.await(30, TimeUnit.SECONDS)).as("A copying").isTrue();
        CompletableFuture<PromotionResult> promoterB = CompletableFuture.supplyAsync(() -> promote(b));
        assertThat(bPaused.await(30, TimeUnit.SECONDS)).as("B committed").isTrue();
        assertThat(store().read(target().resolve(FlinkLayout.METADATA)).bytes()).isEqualTo(CheckpointTree.snapshotMetadata(JOB, 3, stateFiles(3)));
        // Flink completes chk-4 and subsumes chk-3; then A goes on.
        checkpoint(tree, 4);
        subsume(chk3, 3);
        aResume.countDown();

        PromotionResult resultA = promoterA.get(60, TimeUnit.SECONDS);

        assertThat(resultA.status()).isEqualTo(PromotionStatus.PROMOTED);
        assertThat(resultA.snapshot().checkpointId()).hasValue(4);
        LastState afterA = lastState();
        assertThat(afterA.consistent()).isTrue();
        assertThat(afterA.record().previous()).as("the generation B committed, which the target served")
                .hasValueSatisfying(p -> assertThat(p.checkpointId()).hasValue(3));
        assertThat(objects(target()).keySet()).as("chk-3 stays for restores that read it; chk-1 and chk-2 go")
                .containsExactlyInAnyOrderElementsOf(holding(4, 3));

        bResume.countDown();
        PromotionResult resultB = promoterB.get(60, TimeUnit.SECONDS);

        assertThat(resultB.status()).isEqualTo(PromotionStatus.PROMOTED);
        assertThat(resultB.reason()).hasValueSatisfying(r -> assertThat(r).contains("already replaced"));
        assertThat(lastState().record()).isEqualTo(afterA.record());
        assertThat(objects(target()).keySet()).containsExactlyInAnyOrderElementsOf(holding(4, 3));
    }

    /** Whether {@code call} writes {@code name} of the target. */
    private boolean writes(RecordingCheckpointStore.Call call, String name) {
        return call.operation() == Operation.WRITE && call.uri().equals(target().resolve(name));
    }

    /** The store, recorded, with {@code hook} run in place of the first write of the target's {@code _metadata}: the commit. */
    private RecordingCheckpointStore atTheFirstCommit(RecordingCheckpointStore.Hook hook) {
        AtomicBoolean once = new AtomicBoolean();
        return new RecordingCheckpointStore(store()).onCall(call -> {
            if (writes(call, FlinkLayout.METADATA) && once.compareAndSet(false, true)) {
                hook.before(call);
            }
        });
    }

    private PromotionResult promote(RecordingCheckpointStore store) {
        try {
            return new Promoter(store).promote(request().toBuilder().maxAttempts(10).build());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never released this promoter");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    default void aCorruptOrEmptyMetadataNeverReplacesGoodState() throws Exception {
        CheckpointTree tree = twoGenerations();
        StoreUri chk3 = checkpoint(tree, 3);
        byte[] random = new byte[4096];
        new Random(7).nextBytes(random);
        byte[] otherId = ByteBuffer.allocate(64).put(FlinkLayout.metadataHeader(7)).array();
        Map<String, byte[]> corrupt = new TreeMap<>(Map.of(
                "empty", new byte[0], "ten bytes", new byte[10], "random bytes", random, "the header of checkpoint 7", otherId));
        Map<String, String> before = objects(target());
        for (Map.Entry<String, byte[]> metadata : corrupt.entrySet()) {
            put(chk3.resolve(FlinkLayout.METADATA), metadata.getValue());

            assertThatThrownBy(() -> new Promoter(store()).promote(request()))
                    .as(metadata.getKey())
                    .isInstanceOf(UnpromotableSnapshotException.class)
                    .hasMessageContaining(chk3.resolve(FlinkLayout.METADATA).toString());
            assertThat(objects(target())).as(metadata.getKey()).isEqualTo(before);
        }
    }

    @Test
    default void aFailedPreCommitCheckLeavesThePreviousGenerationServedAndNothingBehind() throws Exception {
        CheckpointTree tree = twoGenerations();
        checkpoint(tree, 3);
        Map<String, String> before = objects(target());
        List<StoreUri> checkedIn = new ArrayList<>();
        Promoter promoter = new Promoter(store()).withPreCommitCheck((dir, metadata) -> {
            checkedIn.add(dir);
            assertThat(metadata).isEqualTo(CheckpointTree.snapshotMetadata(JOB, 3, stateFiles(3)));
            // Every state file is copied by now; _metadata is still the previous generation's.
            for (String name : CheckpointTree.fileNames(JOB, 3, stateFiles(3))) {
                if (!name.equals(FlinkLayout.METADATA)) {
                    assertThat(store().stat(dir.resolve(name))).as(name).isPresent();
                }
            }
            assertThat(store().read(dir.resolve(FlinkLayout.METADATA)).bytes()).isEqualTo(CheckpointTree.snapshotMetadata(JOB, 2, stateFiles(2)));
            throw new NotRestorableException("a file is missing", null);
        });

        assertThatThrownBy(() -> promoter.promote(request())).isInstanceOf(NotRestorableException.class);

        assertThat(checkedIn).containsExactly(target());
        assertThat(objects(target())).isEqualTo(before);
    }

    @Test
    @RequiresCapability({Capability.CONDITIONAL_CREATE, Capability.CONDITIONAL_REPLACE})
    default void aCommitTheStoreCouldNotConfirmIsReadBackAndReportedAsCommitted() throws Exception {
        CheckpointTree tree = twoGenerations();
        checkpoint(tree, 3);
        RecordingCheckpointStore recording = atTheFirstCommit(call -> {
            // The write lands, its answer is lost.
            store().write(call.uri(), CheckpointTree.snapshotMetadata(JOB, 3, stateFiles(3)), call.condition().orElseThrow());
            throw new OutcomeUnknownException(call.uri(), "the answer was lost", null);
        });

        PromotionResult result = new Promoter(recording).promote(request());

        assertThat(result.status()).isEqualTo(PromotionStatus.PROMOTED);
        assertThat(failureWarnings(result)).singleElement().satisfies(w -> assertThat(w).contains("it had taken effect"));
        assertThat(lastState().consistent()).isTrue();
        assertThat(lastState().record().current().checkpointId()).hasValue(3);
        assertThat(objects(target()).keySet()).containsExactlyInAnyOrderElementsOf(holding(3, 2));
    }

    @Test
    default void aCommitTheStoreCouldNotConfirmThatDidNotLandIsTriedAgain() throws Exception {
        CheckpointTree tree = twoGenerations();
        checkpoint(tree, 3);
        RecordingCheckpointStore recording = atTheFirstCommit(call -> {
            throw new OutcomeUnknownException(call.uri(), "the request never arrived", null);
        });

        PromotionResult result = new Promoter(recording).promote(request());

        assertThat(result.status()).isEqualTo(PromotionStatus.PROMOTED);
        assertThat(failureWarnings(result)).isEmpty();
        assertThat(recording.calls()).filteredOn(c -> writes(c, FlinkLayout.METADATA)).hasSize(2);
        assertThat(lastState().record().current().checkpointId()).hasValue(3);
        assertThat(objects(target()).keySet()).containsExactlyInAnyOrderElementsOf(holding(3, 2));
    }

    @Test
    default void aRunKilledBetweenCommitAndRecordIsRepairedKeepingTheGenerationItReplaced() throws Exception {
        CheckpointTree tree = twoGenerations();
        checkpoint(tree, 3);
        RecordingCheckpointStore dying = new RecordingCheckpointStore(store()).onCall(call -> {
            if (writes(call, FlinkLayout.POINTER_RECORD)) {
                throw new Killed("before the pointer record");
            }
        });
        assertThatThrownBy(() -> new Promoter(dying).promote(request())).isInstanceOf(Killed.class);
        assertThat(new LastStateReader(store()).read(target()).orElseThrow().consistent()).isFalse();

        PromotionResult next = new Promoter(store()).promote(request());

        assertThat(next.status()).isEqualTo(PromotionStatus.UNCHANGED);
        assertThat(failureWarnings(next)).singleElement().satisfies(w -> assertThat(w).contains("repaired"));
        LastState repaired = lastState();
        assertThat(repaired.consistent()).isTrue();
        assertThat(repaired.record().current().checkpointId()).hasValue(3);
        assertThat(repaired.record().previous()).as("the generation the dead run replaced")
                .hasValueSatisfying(p -> assertThat(p.checkpointId()).hasValue(2));
        assertThat(objects(target()).keySet()).as("chk-1 went, nothing is left of the dead run")
                .containsExactlyInAnyOrderElementsOf(holding(3, 2));
    }

    @Test
    default void aRunKilledDuringCleanUpIsFinishedByTheNextRun() throws Exception {
        CheckpointTree tree = twoGenerations();
        checkpoint(tree, 3);
        RecordingCheckpointStore dying = new RecordingCheckpointStore(store()).onCall(call -> {
            if (call.operation() == Operation.DELETE) {
                throw new Killed("during the clean-up");
            }
        });
        PromotionResult killed = new Promoter(dying).promote(request());
        assertThat(killed.status()).isEqualTo(PromotionStatus.PROMOTED);
        assertThat(failureWarnings(killed)).singleElement().satisfies(w -> assertThat(w).contains("the next run finishes it"));
        assertThat(objects(target()).keySet()).containsAll(CheckpointTree.fileNames(JOB, 1, stateFiles(1)));

        PromotionResult next = new Promoter(store()).promote(request());

        assertThat(next.status()).isEqualTo(PromotionStatus.UNCHANGED);
        assertThat(objects(target()).keySet()).containsExactlyInAnyOrderElementsOf(holding(3, 2));
        RecordingCheckpointStore recording = new RecordingCheckpointStore(store());
        new Promoter(recording).promote(request());
        assertThat(recording.mutations()).as("once finished, an unchanged run writes and deletes nothing").isEmpty();
    }

    @Test
    default void copiesOfARunThatDiedBeforeItsCommitAreRemovedOnceItsGracePeriodIsOver() throws Exception {
        CheckpointTree tree = twoGenerations();
        StoreUri chk3 = checkpoint(tree, 3);
        RecordingCheckpointStore dying = new RecordingCheckpointStore(store()).onCall(call -> {
            if (writes(call, FlinkLayout.METADATA)) {
                throw new Killed("before the commit");
            }
        });
        assertThatThrownBy(() -> new Promoter(dying).promote(request())).isInstanceOf(Killed.class);
        checkpoint(tree, 4);
        subsume(chk3, 3);
        List<String> deadCopies = CheckpointTree.fileNames(JOB, 3, stateFiles(3)).stream()
                .filter(n -> !n.equals(FlinkLayout.METADATA)).toList();

        // Within the grace period the dead run may be a live one: its copies stay.
        new Promoter(store()).promote(request());
        assertThat(objects(target()).keySet()).containsAll(deadCopies);
        checkpoint(tree, 5);

        Clock later = Clock.offset(Clock.systemUTC(), Promoter.DEFAULT_STALE_RUN_GRACE.plus(Duration.ofMinutes(1)));
        PromotionResult result = new Promoter(store(), later).promote(request());

        assertThat(result.snapshot().checkpointId()).hasValue(5);
        assertThat(objects(target()).keySet()).containsExactlyInAnyOrderElementsOf(holding(5, 4));
    }

    @Test
    default void aSnapshotHoldingANameLaststateReservesIsRefusedAndNothingChanges() throws Exception {
        CheckpointTree tree = twoGenerations();
        StoreUri chk3 = checkpoint(tree, 3);
        put(chk3.resolve(FlinkLayout.POINTER_RECORD), "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Map<String, String> before = objects(target());

        assertThatThrownBy(() -> new Promoter(store()).promote(request()))
                .isInstanceOf(UnpromotableSnapshotException.class)
                .hasMessageContaining(FlinkLayout.POINTER_RECORD);
        assertThat(objects(target())).isEqualTo(before);
        assertThat(Optional.of(lastState().record().current().checkpointId().getAsLong())).hasValue(2L);
    }

    /** The warnings of what went wrong, without the one every commit on a store without conditions carries. */
    private static List<String> failureWarnings(PromotionResult result) {
        return result.warnings().stream().filter(w -> !w.equals(PromotionResult.UNCONDITIONAL_COMMIT)).toList();
    }
}
