package dev.laststate.tck;

import static dev.laststate.tck.CheckpointTree.JOB;
import static dev.laststate.tck.CheckpointTree.OTHER_JOB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.laststate.flink.FlinkLayout;
import dev.laststate.flink.NotRestorableException;
import dev.laststate.flink.Promoter;
import dev.laststate.flink.PromotionRequest;
import dev.laststate.flink.PromotionResult;
import dev.laststate.flink.PromotionStatus;
import dev.laststate.flink.RelocatedNames;
import dev.laststate.store.CheckpointStore;
import dev.laststate.store.StoreUri;
import dev.laststate.tck.RecordingCheckpointStore.Call;
import dev.laststate.tck.RecordingCheckpointStore.Operation;
import dev.laststate.verify.FlinkSnapshotRelocator;
import dev.laststate.verify.SnapshotVerifier;
import dev.laststate.verify.Verification;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Relocated promotion on this store: the target holds every file the snapshot's {@code _metadata} references, its
 * {@code shared/} files included, under names that never collide, and a {@code _metadata} that points there (the
 * real relocator, {@link FlinkSnapshotRelocator}); an unchanged file is not copied again; a file no kept generation
 * references is deleted after the commit; a missing referenced file commits nothing. That Flink restores the result
 * is proven by the e2e tests. Part of {@link CheckpointStoreTck}.
 */
public interface RelocationContract extends TckSupport {

    private StoreUri target() {
        return root().resolve(FlinkLayout.DEFAULT_TARGET);
    }

    private PromotionResult promoteRelocated(CheckpointStore store) throws Exception {
        return new Promoter(store).withRelocator(new FlinkSnapshotRelocator()).promote(PromotionRequest.of(root(), JOB));
    }

    private CheckpointTree tree() {
        return new CheckpointTree(store(), root());
    }

    private String copyOf(StoreUri source) {
        return RelocatedNames.file(source);
    }

    private Verification verifyTarget() throws Exception {
        return new SnapshotVerifier(store()).verify(target());
    }

    private void deleteBelow(StoreUri dir) throws Exception {
        List<StoreUri> objects = new ArrayList<>();
        for (String name : objectsBelow(dir).keySet()) {
            objects.add(dir.resolve(name));
        }
        store().deleteAll(objects);
    }

    @Test
    default void aRelocatedTargetHoldsEveryFileItsMetadataReferencesAndOutlivesTheJobDirectory() throws Exception {
        CheckpointTree tree = tree();
        StoreUri a = tree.sharedFile(JOB, "sst-a", "shared a");
        StoreUri b = tree.sharedFile(JOB, "sst-b", "shared b");
        tree.checkpointReferencing(JOB, 1, 2, List.of(a, b));

        PromotionResult result = promoteRelocated(store());

        assertThat(result.status()).isEqualTo(PromotionStatus.PROMOTED);
        assertThat(result.filesCopied()).as("_metadata, two exclusive files, two shared files").isEqualTo(5);
        deleteBelow(tree.jobDir(JOB));
        Verification verification = verifyTarget();
        assertThat(verification.restorable()).as("missing %s", verification.missing()).isTrue();
        assertThat(verification.selfContained()).isTrue();
        assertThat(verification.files()).hasSize(4);
        assertThat(text(target().resolve(copyOf(a)))).isEqualTo("shared a");
        assertThat(text(target().resolve(copyOf(b)))).isEqualTo("shared b");
    }

    @Test
    default void aSharedFileAnEarlierGenerationCopiedIsNotCopiedAgain() throws Exception {
        CheckpointTree tree = tree();
        StoreUri a = tree.sharedFile(JOB, "sst-a", "shared a");
        StoreUri b = tree.sharedFile(JOB, "sst-b", "shared b");
        tree.checkpointReferencing(JOB, 1, 2, List.of(a, b));
        promoteRelocated(store());
        StoreUri c = tree.sharedFile(JOB, "sst-c", "shared c");
        StoreUri chk2 = tree.checkpointReferencing(JOB, 2, 2, List.of(b, c));
        RecordingCheckpointStore recording = new RecordingCheckpointStore(store());

        PromotionResult result = promoteRelocated(recording);

        assertThat(result.status()).isEqualTo(PromotionStatus.PROMOTED);
        List<StoreUri> copied = recording.calls().stream().filter(call -> call.operation() == Operation.COPY)
                .map(call -> call.source().orElseThrow()).toList();
        assertThat(copied).contains(c).doesNotContain(a, b).allMatch(s -> s.equals(c) || chk2.contains(s));
        assertThat(result.filesCopied()).as("_metadata, two exclusive files, the new shared file").isEqualTo(4);
        assertThat(recording.calls()).extracting(Call::uri).noneMatch(uri -> uri.equals(b) || uri.equals(a))
                .as("an unchanged shared file is not even looked at");
        assertThat(verifyTarget().restorable()).isTrue();
    }

    @Test
    default void aFileNoKeptGenerationReferencesIsDeletedAfterTheCommit() throws Exception {
        CheckpointTree tree = tree();
        StoreUri a = tree.sharedFile(JOB, "sst-a", "shared a");
        StoreUri b = tree.sharedFile(JOB, "sst-b", "shared b");
        tree.checkpointReferencing(JOB, 1, 1, List.of(a, b));
        promoteRelocated(store());
        StoreUri c = tree.sharedFile(JOB, "sst-c", "shared c");
        tree.checkpointReferencing(JOB, 2, 1, List.of(b, c));
        promoteRelocated(store());
        StoreUri d = tree.sharedFile(JOB, "sst-d", "shared d");
        tree.checkpointReferencing(JOB, 3, 1, List.of(c, d));

        promoteRelocated(store());

        // chk-3 is served and chk-2 kept for restores that read its _metadata already: b, c, d and their own files.
        Map<String, String> held = objectsBelow(target());
        assertThat(held).containsKeys(copyOf(b), copyOf(c), copyOf(d)).doesNotContainKey(copyOf(a));
        String ownOfChk1 = copyOf(tree.jobDir(JOB).resolve("chk-1").resolve(CheckpointTree.fileNames(JOB, 1, 1).get(0)));
        assertThat(held).doesNotContainKey(ownOfChk1);
        assertThat(held.keySet()).filteredOn(n -> n.startsWith(RelocatedNames.STATE_DIRECTORY + "/")).hasSize(5);
        assertThat(verifyTarget().restorable()).isTrue();
    }

    @Test
    default void twoSourcesWithOneFileNameNeverOverwriteEachOther() throws Exception {
        CheckpointTree tree = tree();
        StoreUri ours = tree.sharedFile(JOB, "000042.sst", "of this job");
        StoreUri theirs = tree.sharedFile(OTHER_JOB, "000042.sst", "of the other job");
        tree.checkpointReferencing(JOB, 1, 1, List.of(ours, theirs));

        promoteRelocated(store());

        assertThat(copyOf(ours)).isNotEqualTo(copyOf(theirs));
        assertThat(text(target().resolve(copyOf(ours)))).isEqualTo("of this job");
        assertThat(text(target().resolve(copyOf(theirs)))).isEqualTo("of the other job");
        assertThat(verifyTarget().restorable()).isTrue();
    }

    @Test
    default void aMissingReferencedFileCommitsNothing() throws Exception {
        CheckpointTree tree = tree();
        StoreUri a = tree.sharedFile(JOB, "sst-a", "shared a");
        tree.checkpointReferencing(JOB, 1, 1, List.of(a));
        promoteRelocated(store());
        StoreUri gone = tree.sharedFile(JOB, "sst-gone", "deleted before the copy");
        tree.checkpointReferencing(JOB, 2, 1, List.of(a, gone));
        store().delete(gone);
        Map<String, String> before = objectsBelow(target());

        assertThatThrownBy(() -> promoteRelocated(store())).isInstanceOf(NotRestorableException.class)
                .hasMessageContaining(gone.toString()).hasMessageEndingWith("nothing was committed");

        assertThat(objectsBelow(target())).isEqualTo(before);
    }

    @Test
    default void aSnapshotCompletingDuringTheCopyDoesNotHoldBackAWholeCopy() throws Exception {
        CheckpointTree tree = tree();
        StoreUri a = tree.sharedFile(JOB, "sst-a", "shared a");
        tree.checkpointReferencing(JOB, 1, 1, List.of(a));
        AtomicBoolean completed = new AtomicBoolean();
        // Flink checkpoints more often than a promotion copies: chk-2 completes while chk-1 is being copied.
        RecordingCheckpointStore recording = new RecordingCheckpointStore(store()).onCall(call -> {
            if (call.operation() == Operation.COPY && completed.compareAndSet(false, true)) {
                tree.checkpointReferencing(JOB, 2, 1, List.of(a));
            }
        });

        PromotionResult first = promoteRelocated(recording);

        assertThat(completed).isTrue();
        assertThat(first.status()).isEqualTo(PromotionStatus.PROMOTED);
        assertThat(first.snapshot().checkpointId()).as("every file of chk-1 was copied: committed, not retried").hasValue(1);
        assertThat(verifyTarget().restorable()).isTrue();
        assertThat(promoteRelocated(store()).snapshot().checkpointId()).as("the next promotion takes the newer one").hasValue(2);
    }
}
