package dev.laststate.tck;

import static dev.laststate.tck.CheckpointTree.JOB;
import static dev.laststate.tck.CheckpointTree.OTHER_JOB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.laststate.flink.FlinkLayout;
import dev.laststate.flink.LastState;
import dev.laststate.flink.LastStateReader;
import dev.laststate.flink.Lineage;
import dev.laststate.flink.PromotionAbortedException;
import dev.laststate.flink.PromotionMode;
import dev.laststate.flink.PromotionRequest;
import dev.laststate.flink.PromotionResult;
import dev.laststate.flink.PromotionStatus;
import dev.laststate.flink.Promoter;
import dev.laststate.flink.SnapshotKind;
import dev.laststate.store.Capability;
import dev.laststate.store.ObjectInfo;
import dev.laststate.store.StoreException;
import dev.laststate.store.StoreUri;
import dev.laststate.store.WriteCondition;
import dev.laststate.tck.RecordingCheckpointStore.Call;
import dev.laststate.tck.RecordingCheckpointStore.Operation;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * Promotion: the whole snapshot directory is copied, {@code _metadata} is written last, generations are
 * kept and removed in order, guards refuse what would lose state, and racing promoters never regress.
 * Part of {@link CheckpointStoreTck}.
 */
public interface PromotionContract extends TckSupport {

    private CheckpointTree tree() {
        return new CheckpointTree(store(), root());
    }

    /** A tree whose {@code chk-<id>} of {@link CheckpointTree#JOB} (one state file) is promoted into the target. */
    private CheckpointTree promoted(long id) throws Exception {
        CheckpointTree tree = tree();
        tree.checkpoint(JOB, id, 1);
        promote(request());
        return tree;
    }

    private StoreUri target() {
        return root().resolve(FlinkLayout.DEFAULT_TARGET);
    }

    private PromotionRequest request() {
        return PromotionRequest.of(root(), JOB);
    }

    private PromotionResult promote(PromotionRequest request) throws Exception {
        return new Promoter(store()).promote(request);
    }

    /** Every object below {@code dir} with its version, to prove that nothing changed. */
    private Map<String, String> snapshotOf(StoreUri dir) throws StoreException {
        return objectsBelow(dir);
    }

    /** The promotion is refused and leaves every object of the target as it was; returns the result, for its reason. */
    private PromotionResult assertRefusedLeavingTheTargetAlone(PromotionRequest request) throws Exception {
        Map<String, String> before = snapshotOf(target());

        PromotionResult result = promote(request);

        assertThat(result.status()).isEqualTo(PromotionStatus.REFUSED);
        assertThat(snapshotOf(target())).isEqualTo(before);
        return result;
    }

    private List<String> targetFiles() throws StoreException {
        return new ArrayList<>(snapshotOf(target()).keySet());
    }

    private LastState lastState() throws Exception {
        return new LastStateReader(store()).read(target()).orElseThrow();
    }

    @Test
    default void promotionCopiesTheWholeSnapshotDirectory() throws Exception {
        CheckpointTree tree = tree();
        tree.checkpoint(JOB, 9, 2);
        tree.checkpoint(JOB, 10, 2);
        StoreUri chk12 = tree.checkpoint(JOB, 12, 3);
        tree.incompleteCheckpoint(JOB, 13, 2);
        tree.sharedFiles(JOB, 4);

        PromotionResult result = promote(request());

        assertThat(result.status()).isEqualTo(PromotionStatus.PROMOTED);
        assertThat(result.snapshot().directory()).isEqualTo(chk12);
        assertThat(result.filesCopied()).isEqualTo(4);
        List<String> expected = new ArrayList<>(CheckpointTree.fileNames(JOB, 12, 3));
        expected.add(FlinkLayout.POINTER_RECORD);
        assertThat(targetFiles()).containsExactlyInAnyOrderElementsOf(expected);
        for (String name : CheckpointTree.fileNames(JOB, 12, 3)) {
            assertThat(store().read(target().resolve(name)).bytes())
                    .as(name).isEqualTo(store().read(chk12.resolve(name)).bytes());
        }
        assertThat(result.bytesCopied()).isEqualTo(snapshotBytes(chk12));
    }

    private long snapshotBytes(StoreUri dir) throws StoreException {
        long total = 0;
        for (ObjectInfo object : store().list(dir).objects()) {
            total += object.size();
        }
        return total;
    }

    @Test
    default void promotionRecordsTheGenerationInThePointerRecord() throws Exception {
        StoreUri chk7 = tree().checkpoint(JOB, 7, 2);

        promote(request());

        LastState state = lastState();
        assertThat(state.consistent()).isTrue();
        assertThat(state.restorePath()).isEqualTo(target());
        assertThat(state.record().mode()).isEqualTo(PromotionMode.COPY);
        assertThat(state.record().current().jobId()).isEqualTo(JOB);
        assertThat(state.record().current().checkpointId()).hasValue(7);
        assertThat(state.record().current().kind()).isEqualTo(SnapshotKind.CHECKPOINT);
        assertThat(state.record().current().source()).isEqualTo(chk7);
        assertThat(state.record().current().files()).containsExactlyInAnyOrderElementsOf(CheckpointTree.fileNames(JOB, 7, 2));
        assertThat(state.record().previous()).isEmpty();
    }

    @Test
    default void theResultSaysWhichCopyPathRanAndWhetherTheCommitWasConditional() throws Exception {
        tree().checkpoint(JOB, 3, 2);
        Set<Capability> capabilities = store().capabilities();
        boolean conditional = capabilities.contains(Capability.CONDITIONAL_CREATE) && capabilities.contains(Capability.CONDITIONAL_REPLACE);

        PromotionResult result = promote(request());

        assertThat(result.status()).isEqualTo(PromotionStatus.PROMOTED);
        assertThat(result.copyPath()).isEqualTo(capabilities.contains(Capability.SERVER_SIDE_COPY)
                ? PromotionResult.CopyPath.IN_STORE : PromotionResult.CopyPath.THROUGH_CLIENT);
        assertThat(result.conditionalCommit()).isEqualTo(conditional);
        if (conditional) {
            assertThat(result.warnings()).doesNotContain(PromotionResult.UNCONDITIONAL_COMMIT);
        } else {
            assertThat(result.warnings()).contains(PromotionResult.UNCONDITIONAL_COMMIT);
        }
    }

    @Test
    default void promotionWritesMetadataLast() throws Exception {
        tree().checkpoint(JOB, 12, 5);
        RecordingCheckpointStore recording = new RecordingCheckpointStore(store());

        new Promoter(recording).promote(request());

        List<Call> mutations = recording.mutations();
        StoreUri metadata = target().resolve(FlinkLayout.METADATA);
        StoreUri record = target().resolve(FlinkLayout.POINTER_RECORD);
        StoreUri pending = target().resolve(FlinkLayout.PENDING_RECORDS);
        int commit = indexOf(mutations, metadata);
        assertThat(commit).as("the _metadata write").isEqualTo(6);
        assertThat(mutations.get(0).operation()).as("first the pending record").isEqualTo(Operation.WRITE);
        assertThat(pending.contains(mutations.get(0).uri())).as("first the pending record").isTrue();
        assertThat(mutations.subList(1, commit)).as("then the state files")
                .allSatisfy(c -> assertThat(c.operation()).isEqualTo(Operation.COPY))
                .hasSize(5);
        assertThat(mutations.get(commit).operation()).isEqualTo(Operation.WRITE);
        assertThat(mutations.get(commit + 1).uri()).as("then the pointer record").isEqualTo(record);
        assertThat(mutations.subList(commit + 2, mutations.size())).as("then only the pending record goes")
                .singleElement().isEqualTo(new Call(Operation.DELETE, mutations.get(0).uri(), Optional.empty(), Optional.empty()));
    }

    /** The writes of {@code _metadata} and the pointer record, in order. */
    private List<Call> commitWrites(RecordingCheckpointStore recording) {
        return recording.calls().stream()
                .filter(c -> c.operation() == Operation.WRITE && !target().resolve(FlinkLayout.PENDING_RECORDS).contains(c.uri()))
                .toList();
    }

    private static int indexOf(List<Call> calls, StoreUri uri) {
        for (int i = 0; i < calls.size(); i++) {
            if (calls.get(i).uri().equals(uri)) {
                return i;
            }
        }
        return -1;
    }

    @Test
    @RequiresCapability({Capability.CONDITIONAL_CREATE, Capability.CONDITIONAL_REPLACE})
    default void theCommitIsConditionalOnWhatTheDecisionSaw() throws Exception {
        CheckpointTree tree = tree();
        tree.checkpoint(JOB, 1, 1);
        RecordingCheckpointStore recording = new RecordingCheckpointStore(store());
        new Promoter(recording).promote(request());
        tree.checkpoint(JOB, 2, 1);
        new Promoter(recording).promote(request());

        List<WriteCondition> conditions = commitWrites(recording).stream()
                .map(c -> c.condition().orElseThrow())
                .toList();
        assertThat(conditions).extracting(WriteCondition::kind).containsExactly(
                WriteCondition.Kind.IF_ABSENT, WriteCondition.Kind.IF_ABSENT,
                WriteCondition.Kind.IF_VERSION_MATCHES, WriteCondition.Kind.IF_VERSION_MATCHES);
    }

    @Test
    @RequiresMissingCapability(Capability.CONDITIONAL_REPLACE)
    default void withoutConditionalWritesTheCommitIsAPlainOverwriteStillLast() throws Exception {
        CheckpointTree tree = tree();
        tree.checkpoint(JOB, 1, 1);
        new Promoter(store()).promote(request());
        tree.checkpoint(JOB, 2, 2);
        RecordingCheckpointStore recording = new RecordingCheckpointStore(store());

        PromotionResult result = new Promoter(recording).promote(request());

        assertThat(result.status()).isEqualTo(PromotionStatus.PROMOTED);
        List<Call> writes = commitWrites(recording);
        assertThat(writes).extracting(c -> c.condition().orElseThrow().kind())
                .containsOnly(WriteCondition.Kind.OVERWRITE);
        assertThat(writes.get(0).uri()).isEqualTo(target().resolve(FlinkLayout.METADATA));
        assertThat(lastState().record().current().checkpointId()).hasValue(2);
    }

    @Test
    default void aSecondRunIsUnchangedAndWritesNothing() throws Exception {
        tree().checkpoint(JOB, 4, 2);
        promote(request());
        Map<String, String> before = snapshotOf(root());
        RecordingCheckpointStore recording = new RecordingCheckpointStore(store());

        PromotionResult again = new Promoter(recording).promote(request());

        assertThat(again.status()).isEqualTo(PromotionStatus.UNCHANGED);
        assertThat(again.filesCopied()).isZero();
        assertThat(recording.mutations()).isEmpty();
        assertThat(snapshotOf(root())).isEqualTo(before);
    }

    @Test
    default void aDryRunWritesNothing() throws Exception {
        tree().checkpoint(JOB, 4, 2);
        Map<String, String> before = snapshotOf(root());
        RecordingCheckpointStore recording = new RecordingCheckpointStore(store());

        PromotionResult result = new Promoter(recording).promote(request().toBuilder().dryRun(true).build());

        assertThat(result.status()).isEqualTo(PromotionStatus.DRY_RUN);
        assertThat(result.snapshot().checkpointId()).hasValue(4);
        assertThat(recording.mutations()).isEmpty();
        assertThat(snapshotOf(root())).isEqualTo(before);
    }

    @Test
    default void thePreviousGenerationSurvivesOneMorePromotionAndOlderOnesAreRemoved() throws Exception {
        CheckpointTree tree = tree();
        tree.checkpoint(JOB, 1, 2);
        promote(request());
        tree.checkpoint(JOB, 2, 2);
        promote(request());
        tree.checkpoint(JOB, 3, 2);

        promote(request());

        List<String> expected = new ArrayList<>();
        for (long id : new long[] {2, 3}) {
            expected.addAll(CheckpointTree.fileNames(JOB, id, 2));
        }
        expected.remove(FlinkLayout.METADATA); // one _metadata: the current one
        expected.add(FlinkLayout.POINTER_RECORD);
        assertThat(targetFiles()).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(store().read(target().resolve(FlinkLayout.METADATA)).bytes()).isEqualTo(CheckpointTree.snapshotMetadata(JOB, 3, 2));
        assertThat(lastState().record().previous().orElseThrow().checkpointId()).hasValue(2);
    }

    @Test
    default void aSavepointIsPromotedAsAWholeDirectory() throws Exception {
        StoreUri savepoints = root().resolve("savepoints");
        CheckpointTree tree = tree();
        tree.checkpoint(JOB, 5, 1);
        StoreUri savepoint = tree.savepoint(savepoints, JOB, 6, 3);

        PromotionResult result = promote(request().toBuilder().savepoints(Optional.of(savepoints)).build());

        assertThat(result.snapshot().kind()).isEqualTo(SnapshotKind.SAVEPOINT);
        assertThat(result.snapshot().directory()).isEqualTo(savepoint);
        List<String> expected = new ArrayList<>(CheckpointTree.fileNames(JOB, 6, 3));
        expected.add(FlinkLayout.POINTER_RECORD);
        assertThat(targetFiles()).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(lastState().record().current().kind()).isEqualTo(SnapshotKind.SAVEPOINT);
    }

    @Test
    default void anOlderSnapshotIsRefusedUnlessForced() throws Exception {
        CheckpointTree tree = promoted(12);
        tree.checkpoint(OTHER_JOB, 3, 1);

        PromotionResult refused = assertRefusedLeavingTheTargetAlone(PromotionRequest.of(root(), OTHER_JOB));

        assertThat(refused.reason()).hasValueSatisfying(r -> assertThat(r).contains("older").contains("12"));

        PromotionResult forced = promote(PromotionRequest.builder(root(), OTHER_JOB).force(true).build());

        assertThat(forced.status()).isEqualTo(PromotionStatus.PROMOTED);
        assertThat(lastState().record().current().jobId()).isEqualTo(OTHER_JOB);
    }

    @Test
    default void aRestoredJobContinuesTheLineage() throws Exception {
        CheckpointTree tree = promoted(41);
        // The job was redeployed from last-state: a new job id, checkpoint ids continue.
        tree.checkpoint(OTHER_JOB, 42, 1);

        PromotionResult result = promote(PromotionRequest.builder(root(), OTHER_JOB).lineage(Lineage.RESTORED).build());

        assertThat(result.status()).isEqualTo(PromotionStatus.PROMOTED);
        assertThat(lastState().record().current().checkpointId()).hasValue(42);
    }

    @Test
    default void aJobThatStartedEmptyIsRefusedOverExistingState() throws Exception {
        CheckpointTree tree = promoted(41);
        tree.checkpoint(OTHER_JOB, 90, 1);

        PromotionResult refused = assertRefusedLeavingTheTargetAlone(
                PromotionRequest.builder(root(), OTHER_JOB).lineage(Lineage.STARTED_EMPTY).build());

        assertThat(refused.reason()).hasValueSatisfying(r -> assertThat(r).contains(OTHER_JOB).contains(JOB)
                .contains("--allow-fresh-start"));

        PromotionResult allowed = promote(PromotionRequest.builder(root(), OTHER_JOB).lineage(Lineage.STARTED_EMPTY)
                .allowFreshStart(true).build());

        assertThat(allowed.status()).isEqualTo(PromotionStatus.PROMOTED);
    }

    @Test
    default void aJobThatStartedEmptyKeepsPromotingItsOwnNewerCheckpoints() throws Exception {
        CheckpointTree tree = tree();
        tree.checkpoint(JOB, 2, 1);
        assertThat(promote(request().toBuilder().lineage(Lineage.STARTED_EMPTY).build()).status()).isEqualTo(PromotionStatus.PROMOTED);
        tree.checkpoint(JOB, 5, 1);

        PromotionResult again = promote(request().toBuilder().lineage(Lineage.STARTED_EMPTY).build());

        assertThat(again.status()).isEqualTo(PromotionStatus.PROMOTED);
        assertThat(lastState().record().current().checkpointId()).hasValue(5);
    }

    @Test
    default void aJobThatStartedEmptyIsPromotedIntoAnEmptyTarget() throws Exception {
        tree().checkpoint(JOB, 2, 1);

        assertThat(promote(request().toBuilder().lineage(Lineage.STARTED_EMPTY).build()).status()).isEqualTo(PromotionStatus.PROMOTED);
    }

    @Test
    default void anUnreadablePointerRecordIsRefusedAndNothingChanges() throws Exception {
        tree().checkpoint(JOB, 5, 2);
        put(target().resolve(FlinkLayout.POINTER_RECORD), "{ not json".getBytes(StandardCharsets.UTF_8));
        Map<String, String> before = snapshotOf(root());
        RecordingCheckpointStore recording = new RecordingCheckpointStore(store());

        PromotionResult result = new Promoter(recording).promote(request());

        assertThat(result.status()).isEqualTo(PromotionStatus.REFUSED);
        assertThat(result.reason()).hasValueSatisfying(r -> assertThat(r).contains(FlinkLayout.POINTER_RECORD));
        assertThat(recording.mutations()).isEmpty();
        assertThat(snapshotOf(root())).isEqualTo(before);
    }

    @Test
    default void aPointerRecordOfAnUnknownFormatIsRefused() throws Exception {
        tree().checkpoint(JOB, 5, 1);
        promote(request());
        String json = text(target().resolve(FlinkLayout.POINTER_RECORD)).replace("\"formatVersion\" : 2", "\"formatVersion\" : 99");
        put(target().resolve(FlinkLayout.POINTER_RECORD), json.getBytes(StandardCharsets.UTF_8));
        tree().checkpoint(JOB, 6, 1);

        PromotionResult result = assertRefusedLeavingTheTargetAlone(request());

        assertThat(result.reason()).hasValueSatisfying(r -> assertThat(r).contains("99"));
    }

    @Test
    default void aForcedPromotionReplacesAnUnreadablePointerRecord() throws Exception {
        tree().checkpoint(JOB, 5, 1);
        put(target().resolve(FlinkLayout.POINTER_RECORD), "[]".getBytes(StandardCharsets.UTF_8));

        PromotionResult result = promote(request().toBuilder().force(true).build());

        assertThat(result.status()).isEqualTo(PromotionStatus.PROMOTED);
        assertThat(lastState().consistent()).isTrue();
    }

    @Test
    default void aMetadataOnlyCopyLeftByAnotherToolIsReplacedByTheWholeDirectory() throws Exception {
        CheckpointTree tree = tree();
        tree.checkpoint(JOB, 12, 3);
        // What a cron job copying only _metadata leaves behind: unrestorable beyond the inline threshold.
        put(target().resolve(FlinkLayout.METADATA), CheckpointTree.metadata(JOB, 12));

        PromotionResult result = promote(request());

        assertThat(result.status()).isEqualTo(PromotionStatus.PROMOTED);
        List<String> expected = new ArrayList<>(CheckpointTree.fileNames(JOB, 12, 3));
        expected.add(FlinkLayout.POINTER_RECORD);
        assertThat(targetFiles()).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    default void aForeignMetadataOfANewerCheckpointIsNotOverwrittenWithAnOlderOne() throws Exception {
        tree().checkpoint(JOB, 3, 1);
        put(target().resolve(FlinkLayout.METADATA), CheckpointTree.metadata(JOB, 12));

        assertRefusedLeavingTheTargetAlone(request());
    }

    @Test
    default void aForeignMetadataThatIsNotFlinkMetadataIsRefusedUnlessForced() throws Exception {
        tree().checkpoint(JOB, 3, 1);
        put(target().resolve(FlinkLayout.METADATA), "hello".getBytes(StandardCharsets.UTF_8));

        assertRefusedLeavingTheTargetAlone(request());

        assertThat(promote(request().toBuilder().force(true).build()).status()).isEqualTo(PromotionStatus.PROMOTED);
    }

    @Test
    default void aPromoterStoppedBetweenCommitAndRecordIsRepairedByTheNextRun() throws Exception {
        CheckpointTree tree = promoted(10);
        StoreUri chk12 = tree.checkpoint(JOB, 12, 2);
        // A promoter copied chk-12 and committed its _metadata, then stopped before writing the record.
        for (String name : CheckpointTree.fileNames(JOB, 12, 2)) {
            store().copy(store().stat(chk12.resolve(name)).orElseThrow(), target().resolve(name));
        }
        assertThat(new LastStateReader(store()).read(target()).orElseThrow().consistent()).isFalse();

        PromotionResult result = promote(request());

        assertThat(result.status()).isEqualTo(PromotionStatus.PROMOTED);
        LastState state = lastState();
        assertThat(state.consistent()).isTrue();
        assertThat(state.record().current().checkpointId()).hasValue(12);
    }

    @Test
    default void aStaleRecordDoesNotLetAnOlderCheckpointReplaceANewerCommit() throws Exception {
        CheckpointTree tree = promoted(10);
        tree.checkpoint(JOB, 11, 1);
        // A promoter committed checkpoint 12's _metadata and stopped before writing its record.
        put(target().resolve(FlinkLayout.METADATA), CheckpointTree.metadata(JOB, 12));

        assertRefusedLeavingTheTargetAlone(request());
    }

    @Test
    default void pointerModeWritesOnlyThePointerRecord() throws Exception {
        StoreUri chk8 = tree().checkpoint(JOB, 8, 2);

        PromotionResult result = promote(request().toBuilder().mode(PromotionMode.POINTER).build());

        assertThat(result.status()).isEqualTo(PromotionStatus.PROMOTED);
        assertThat(result.filesCopied()).isZero();
        assertThat(targetFiles()).containsExactly(FlinkLayout.POINTER_RECORD);
        LastState state = lastState();
        assertThat(state.restorePath()).isEqualTo(chk8);
        assertThat(state.record().mode()).isEqualTo(PromotionMode.POINTER);
        assertThat(promote(request().toBuilder().mode(PromotionMode.POINTER).build()).status()).isEqualTo(PromotionStatus.UNCHANGED);
    }

    @Test
    default void switchingFromPointerToCopyModeCopiesTheSnapshot() throws Exception {
        tree().checkpoint(JOB, 8, 2);
        promote(request().toBuilder().mode(PromotionMode.POINTER).build());

        PromotionResult result = promote(request());

        assertThat(result.status()).isEqualTo(PromotionStatus.PROMOTED);
        assertThat(lastState().restorePath()).isEqualTo(target());
        assertThat(targetFiles()).contains(FlinkLayout.METADATA);
    }

    @Test
    default void aCheckpointDeletedWhileBeingCopiedIsReplacedByTheNewerOne() throws Exception {
        CheckpointTree tree = tree();
        StoreUri chk12 = tree.checkpoint(JOB, 12, 3);
        // chk-12 goes in the order hardest on a promoter, which a deleter other than Flink may use: state files
        // first, _metadata last (CheckpointTree.fileNames ends with it).
        RecordingCheckpointStore recording = completing13AndDeleting12(tree, chk12, CheckpointTree.fileNames(JOB, 12, 3),
                call -> call.operation() == Operation.COPY && call.source().orElseThrow().toString().contains("chk-12"));

        PromotionResult result = new Promoter(recording).promote(request());

        assertThat(result.status()).isEqualTo(PromotionStatus.PROMOTED);
        assertThat(result.snapshot().checkpointId()).hasValue(13);
        assertThat(store().read(target().resolve(FlinkLayout.METADATA)).bytes()).isEqualTo(CheckpointTree.snapshotMetadata(JOB, 13, 2));
        assertThat(recording.calls()).filteredOn(c -> c.operation() == Operation.WRITE
                        && c.uri().equals(target().resolve(FlinkLayout.METADATA)))
                .hasSize(1);
    }

    @Test
    default void aCheckpointFlinkDiscardsAfterItWasListedIsReplacedByTheNewerOne() throws Exception {
        CheckpointTree tree = tree();
        StoreUri chk12 = tree.checkpoint(JOB, 12, 3);
        // chk-12 goes as Flink discards a checkpoint: _metadata first, then the state files
        // (CompletedCheckpointDiscardObject.discard), once the promotion has listed chk-12.
        List<String> flinksOrder = new ArrayList<>(List.of(FlinkLayout.METADATA));
        CheckpointTree.fileNames(JOB, 12, 3).stream().filter(n -> !n.equals(FlinkLayout.METADATA)).forEach(flinksOrder::add);
        RecordingCheckpointStore recording = completing13AndDeleting12(tree, chk12, flinksOrder,
                call -> call.operation() == Operation.READ && call.uri().equals(chk12.resolve(FlinkLayout.METADATA)));

        PromotionResult result = new Promoter(recording).promote(request());

        assertThat(result.status()).isEqualTo(PromotionStatus.PROMOTED);
        assertThat(result.snapshot().checkpointId()).hasValue(13);
        List<String> expected = new ArrayList<>(CheckpointTree.fileNames(JOB, 13, 2));
        expected.add(FlinkLayout.POINTER_RECORD);
        assertThat(targetFiles()).as("nothing of chk-12 was copied, so nothing of it is left")
                .containsExactlyInAnyOrderElementsOf(expected);
    }

    /**
     * The store, recorded, with Flink completing checkpoint 13 of {@code tree} and deleting {@code chk12}'s files
     * in {@code order} just before the first call that {@code when} matches.
     */
    private RecordingCheckpointStore completing13AndDeleting12(CheckpointTree tree, StoreUri chk12, List<String> order,
                                                               Predicate<RecordingCheckpointStore.Call> when) {
        AtomicBoolean flinkMovedOn = new AtomicBoolean();
        return new RecordingCheckpointStore(store()).onCall(call -> {
            if (when.test(call) && flinkMovedOn.compareAndSet(false, true)) {
                tree.checkpoint(JOB, 13, 2);
                for (String name : order) {
                    store().delete(chk12.resolve(name));
                }
            }
        });
    }

    /** The store, recorded, with Flink completing checkpoint {@code id} of {@code tree} as the first copy begins. */
    private RecordingCheckpointStore completingACheckpointAtTheFirstCopy(CheckpointTree tree, long id) {
        AtomicBoolean completed = new AtomicBoolean();
        return new RecordingCheckpointStore(store()).onCall(call -> {
            if (call.operation() == Operation.COPY && completed.compareAndSet(false, true)) {
                tree.checkpoint(JOB, id, 2);
            }
        });
    }

    @Test
    default void aNewerCheckpointCompletingDuringTheCopyIsPromotedInstead() throws Exception {
        CheckpointTree tree = tree();
        tree.checkpoint(JOB, 12, 2);
        RecordingCheckpointStore recording = completingACheckpointAtTheFirstCopy(tree, 13);

        PromotionResult result = new Promoter(recording).promote(request());

        assertThat(result.snapshot().checkpointId()).hasValue(13);
        assertThat(lastState().record().current().checkpointId()).hasValue(13);
    }

    @Test
    default void aSnapshotThatKeepsVanishingIsGivenUpWithoutACommit() throws Exception {
        CheckpointTree tree = tree();
        tree.checkpoint(JOB, 1, 2);
        long[] next = {2};
        RecordingCheckpointStore recording = new RecordingCheckpointStore(store()).onCall(call -> {
            if (call.operation() == Operation.COPY) {
                tree.checkpoint(JOB, next[0]++, 2);
            }
        });

        assertThatThrownBy(() -> new Promoter(recording).promote(request().toBuilder().maxAttempts(3).copyConcurrency(1).build()))
                .isInstanceOf(PromotionAbortedException.class)
                .hasMessageContaining("3 attempts");
        assertThat(store().stat(target().resolve(FlinkLayout.METADATA))).isEmpty();
        assertThat(store().stat(target().resolve(FlinkLayout.POINTER_RECORD))).isEmpty();
    }

    @Test
    default void filesCopiedByAnAbandonedAttemptAreRemovedOnceAnAttemptCommits() throws Exception {
        CheckpointTree tree = tree();
        tree.checkpoint(JOB, 12, 3);
        RecordingCheckpointStore recording = completingACheckpointAtTheFirstCopy(tree, 13);

        PromotionResult result = new Promoter(recording).promote(request().toBuilder().copyConcurrency(1).build());

        assertThat(result.snapshot().checkpointId()).hasValue(13);
        assertThat(recording.calls()).filteredOn(c -> c.operation() == Operation.COPY
                && c.source().orElseThrow().toString().contains("chk-12")).hasSize(3);
        List<String> expected = new ArrayList<>(CheckpointTree.fileNames(JOB, 13, 2));
        expected.add(FlinkLayout.POINTER_RECORD);
        assertThat(targetFiles()).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    default void objectsLaststateDidNotWriteAreNeverDeleted() throws Exception {
        CheckpointTree tree = tree();
        put(target().resolve("kept-by-someone-else"), new byte[] {7});
        put(target().resolve("nested/also-theirs"), new byte[] {8});
        for (long id = 1; id <= 4; id++) {
            tree.checkpoint(JOB, id, 1);
            promote(request());
        }

        assertThat(targetFiles()).contains("kept-by-someone-else", "nested/also-theirs");
    }

    @Test
    @RequiresCapability({Capability.CONDITIONAL_CREATE, Capability.CONDITIONAL_REPLACE})
    default void racingPromotersNeverRegress() throws Exception {
        // Each promoter sees a different newest snapshot (their savepoint directories differ); whatever
        // the interleaving, the target must end on the newest of them, with a record that describes it.
        int promoters = 4;
        ExecutorService pool = Executors.newFixedThreadPool(promoters);
        try {
            for (int round = 0; round < 6; round++) {
                StoreUri checkpoints = root().resolve("round-" + round);
                CheckpointTree tree = new CheckpointTree(store(), checkpoints);
                tree.checkpoint(JOB, 20, 3);
                List<Optional<StoreUri>> savepointDirs = new ArrayList<>();
                savepointDirs.add(Optional.empty());
                for (int p = 1; p < promoters; p++) {
                    StoreUri dir = checkpoints.resolve("savepoints-" + p);
                    tree.savepoint(dir, JOB, 20 + p, 3);
                    savepointDirs.add(Optional.of(dir));
                }
                CyclicBarrier start = new CyclicBarrier(promoters);
                List<Future<PromotionResult>> results = new ArrayList<>();
                for (Optional<StoreUri> savepoints : savepointDirs) {
                    Callable<PromotionResult> promoter = () -> {
                        start.await();
                        return new Promoter(store()).promote(PromotionRequest.of(checkpoints, JOB)
                                .toBuilder().savepoints(savepoints).maxAttempts(20).build());
                    };
                    results.add(pool.submit(promoter));
                }
                for (Future<PromotionResult> result : results) {
                    assertThat(result.get().status()).isIn(PromotionStatus.PROMOTED, PromotionStatus.REFUSED,
                            PromotionStatus.UNCHANGED);
                }
                StoreUri target = checkpoints.resolve(FlinkLayout.DEFAULT_TARGET);
                LastState state = new LastStateReader(store()).read(target).orElseThrow();
                long newest = 20 + promoters - 1;
                assertThat(state.record().current().checkpointId()).as("round " + round).hasValue(newest);
                assertThat(state.consistent()).as("round " + round).isTrue();
                assertThat(store().read(target.resolve(FlinkLayout.METADATA)).bytes()).isEqualTo(CheckpointTree.snapshotMetadata(JOB, newest, 3));
                for (String name : state.record().current().files()) {
                    assertThat(store().stat(target.resolve(name))).as(name).isPresent();
                }
                // The generation served before the last commit keeps its files: a restore may have read it.
                for (String name : state.record().previous().map(p -> p.files()).orElse(List.of())) {
                    assertThat(store().stat(target.resolve(name))).as("previous generation: " + name).isPresent();
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    default void selectionAndPromotionCostDoesNotGrowWithSharedFiles() throws Exception {
        assertThat(callsToPromote(root().resolve("few"), 10)).isEqualTo(callsToPromote(root().resolve("many"), 1_000));
    }

    private Map<Operation, Long> callsToPromote(StoreUri checkpoints, int sharedFiles) throws Exception {
        CheckpointTree tree = new CheckpointTree(store(), checkpoints);
        tree.checkpoint(JOB, 7, 3);
        tree.sharedFiles(JOB, sharedFiles);
        RecordingCheckpointStore recording = new RecordingCheckpointStore(store());
        new Promoter(recording).promote(PromotionRequest.of(checkpoints, JOB));
        Map<Operation, Long> counts = new TreeMap<>();
        for (Operation operation : Operation.values()) {
            counts.put(operation, recording.count(operation));
        }
        return counts;
    }
}
