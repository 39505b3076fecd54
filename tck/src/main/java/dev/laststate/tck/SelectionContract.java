package dev.laststate.tck;

import static dev.laststate.tck.CheckpointTree.JOB;
import static dev.laststate.tck.CheckpointTree.OTHER_JOB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.laststate.flink.FlinkLayout;
import dev.laststate.flink.NothingToPromoteException;
import dev.laststate.flink.Snapshot;
import dev.laststate.flink.SnapshotFinder;
import dev.laststate.flink.SnapshotKind;
import dev.laststate.job.JobInfo;
import dev.laststate.job.StorageScanJobSource;
import dev.laststate.store.StoreUri;
import dev.laststate.store.WriteCondition;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The newest complete snapshot, over the layouts Flink writes. Part of {@link CheckpointStoreTck}. */
public interface SelectionContract extends TckSupport {

    private CheckpointTree tree() {
        return new CheckpointTree(store(), root());
    }

    private Optional<Snapshot> newest(Optional<StoreUri> savepoints) throws Exception {
        return new SnapshotFinder(store()).newest(root(), savepoints, JOB);
    }

    @Test
    default void latestComparesCheckpointIdsAsNumbers() throws Exception {
        CheckpointTree tree = tree();
        // Written newest id first, so the oldest id has the newest time: only the numeric id can decide.
        tree.checkpoint(JOB, 12, 2);
        tree.checkpoint(JOB, 10, 2);
        tree.checkpoint(JOB, 9, 2);

        Snapshot newest = newest(Optional.empty()).orElseThrow();

        assertThat(newest.directory()).isEqualTo(tree.jobDir(JOB).resolve("chk-12"));
        assertThat(newest.checkpointId()).hasValue(12);
        assertThat(newest.kind()).isEqualTo(SnapshotKind.CHECKPOINT);
        assertThat(newest.jobId()).isEqualTo(JOB);
    }

    @Test
    default void latestIgnoresCheckpointWithoutMetadata() throws Exception {
        tree().standard(); // chk-13 has state files but no _metadata yet

        assertThat(newest(Optional.empty()).orElseThrow().checkpointId()).hasValue(12);
    }

    @Test
    default void latestIgnoresSharedTaskOwnedTargetAndUnrelatedDirectories() throws Exception {
        CheckpointTree tree = tree();
        tree.checkpoint(JOB, 3, 1);
        tree.sharedFiles(JOB, 5);
        StoreUri job = tree.jobDir(JOB);
        put(job.resolve(FlinkLayout.TASK_OWNED).resolve("x"), new byte[] {1});
        put(job.resolve("chk-0099").resolve(FlinkLayout.METADATA), CheckpointTree.metadata(JOB, 99));
        put(job.resolve("chk-x").resolve(FlinkLayout.METADATA), CheckpointTree.metadata(JOB, 98));
        put(job.resolve("chk-50.tmp").resolve(FlinkLayout.METADATA), CheckpointTree.metadata(JOB, 50));
        put(job.resolve("savepoint-a1b2c3-0123456789ab").resolve(FlinkLayout.METADATA), CheckpointTree.metadata(JOB, 97));
        put(job.resolve("chk-40"), new byte[] {1}); // an object, not a directory
        put(root().resolve(FlinkLayout.DEFAULT_TARGET).resolve(FlinkLayout.METADATA), CheckpointTree.metadata(JOB, 96));

        assertThat(newest(Optional.empty()).orElseThrow().checkpointId()).hasValue(3);
    }

    @Test
    default void latestBelongsToTheRequestedJobOnly() throws Exception {
        CheckpointTree tree = tree();
        tree.checkpoint(JOB, 4, 1);
        tree.checkpoint(OTHER_JOB, 40, 1);

        Snapshot newest = newest(Optional.empty()).orElseThrow();

        assertThat(newest.checkpointId()).hasValue(4);
        assertThat(newest.directory()).isEqualTo(tree.jobDir(JOB).resolve("chk-4"));
    }

    @Test
    default void savepointOfThisJobNewerThanItsCheckpointsWins() throws Exception {
        CheckpointTree tree = tree();
        StoreUri savepoints = root().resolve("savepoints");
        tree.checkpoint(JOB, 12, 1);
        StoreUri own = tree.savepoint(savepoints, JOB, 13, 2);
        tree.savepoint(savepoints, OTHER_JOB, 99, 1);

        Snapshot newest = newest(Optional.of(savepoints)).orElseThrow();

        assertThat(newest.kind()).isEqualTo(SnapshotKind.SAVEPOINT);
        assertThat(newest.directory()).isEqualTo(own);
        assertThat(newest.checkpointId()).hasValue(13);
    }

    @Test
    default void checkpointNewerThanSavepointWins() throws Exception {
        CheckpointTree tree = tree();
        StoreUri savepoints = root().resolve("savepoints");
        tree.savepoint(savepoints, JOB, 7, 1);
        tree.checkpoint(JOB, 8, 1);

        Snapshot newest = newest(Optional.of(savepoints)).orElseThrow();

        assertThat(newest.kind()).isEqualTo(SnapshotKind.CHECKPOINT);
        assertThat(newest.checkpointId()).hasValue(8);
    }

    @Test
    default void savepointWithoutMetadataIsIgnored() throws Exception {
        CheckpointTree tree = tree();
        StoreUri savepoints = root().resolve("savepoints");
        tree.checkpoint(JOB, 5, 1);
        put(savepoints.resolve("savepoint-" + JOB.substring(0, 6) + "-aaaaaaaaaaaa").resolve("state"), new byte[] {1, 2});

        assertThat(newest(Optional.of(savepoints)).orElseThrow().kind()).isEqualTo(SnapshotKind.CHECKPOINT);
    }

    @Test
    default void savepointsAloneAreEnough() throws Exception {
        StoreUri savepoints = root().resolve("savepoints");
        tree().savepoint(savepoints, JOB, 21, 1);

        assertThat(newest(Optional.of(savepoints)).orElseThrow().checkpointId()).hasValue(21);
    }

    @Test
    default void savepointsAreListedNewestFirst() throws Exception {
        CheckpointTree tree = tree();
        StoreUri savepoints = root().resolve("savepoints");
        tree.savepoint(savepoints, JOB, 3, 1);
        waitForALaterTimestamp();
        tree.savepoint(savepoints, JOB, 6, 1);

        assertThat(new SnapshotFinder(store()).savepoints(savepoints, JOB))
                .extracting(s -> s.checkpointId().getAsLong())
                .containsExactly(6L, 3L);
    }

    @Test
    default void emptyAndMissingRootsHaveNoSnapshot() throws Exception {
        assertThat(newest(Optional.of(root().resolve("no-savepoints")))).isEmpty();
        put(root().resolve("unrelated"), new byte[] {1});
        assertThat(newest(Optional.empty())).isEmpty();
        assertThat(new SnapshotFinder(store()).newest(root().resolve("missing"), Optional.empty(), JOB)).isEmpty();
    }

    @Test
    default void everyCompleteCheckpointIsListedNewestFirst() throws Exception {
        CheckpointTree tree = tree();
        tree.checkpoint(JOB, 2, 1);
        tree.checkpoint(JOB, 11, 1);
        tree.incompleteCheckpoint(JOB, 12, 1);
        tree.checkpoint(JOB, 3, 1);

        assertThat(new SnapshotFinder(store()).checkpoints(root(), JOB))
                .extracting(s -> s.checkpointId().getAsLong())
                .containsExactly(11L, 3L, 2L);
    }

    @Test
    @RequiresFaithful(EmulatorGap.FINE_TIMESTAMPS)
    default void storageScanChoosesTheJobWithTheMostRecentCheckpoint() throws Exception {
        CheckpointTree tree = tree();
        tree.checkpoint(OTHER_JOB, 50, 1);
        waitForALaterTimestamp();
        tree.checkpoint(JOB, 3, 1);
        tree.incompleteCheckpoint(OTHER_JOB, 51, 1);

        JobInfo job = new StorageScanJobSource(store(), root()).job();

        assertThat(job.jobId()).isEqualTo(JOB);
    }

    @Test
    default void storageScanSkipsJobDirectoriesWithoutCompleteCheckpoints() throws Exception {
        CheckpointTree tree = tree();
        tree.checkpoint(OTHER_JOB, 5, 1);
        waitForALaterTimestamp();
        tree.incompleteCheckpoint(JOB, 6, 1);
        tree.sharedFiles(JOB, 3);

        assertThat(new StorageScanJobSource(store(), root()).job().jobId()).isEqualTo(OTHER_JOB);
    }

    @Test
    default void storageScanFindsAJobWhoseOnlySnapshotIsASavepoint() throws Exception {
        CheckpointTree tree = tree();
        StoreUri savepoints = root().resolve("savepoints");
        tree.incompleteCheckpoint(JOB, 1, 1);
        StoreUri savepoint = tree.savepoint(savepoints, JOB, 4, 1);

        JobInfo job = new StorageScanJobSource(store(), root(), Optional.of(savepoints)).job();

        assertThat(job.jobId()).isEqualTo(JOB);
        assertThat(new SnapshotFinder(store()).newest(root(), Optional.of(savepoints), job.jobId()))
                .hasValueSatisfying(s -> assertThat(s.directory()).isEqualTo(savepoint));
        assertThatThrownBy(() -> new StorageScanJobSource(store(), root()).job())
                .isInstanceOf(NothingToPromoteException.class);
    }

    @Test
    default void storageScanOfAnEmptyOrMissingRootFindsNothing() {
        assertThatThrownBy(() -> new StorageScanJobSource(store(), root()).job())
                .isInstanceOf(NothingToPromoteException.class)
                .hasMessageContaining(root().toString());
        assertThatThrownBy(() -> new StorageScanJobSource(store(), root().resolve("missing")).job())
                .isInstanceOf(NothingToPromoteException.class);
    }

    /**
     * Returns once the store stamps a write later than every write before this call. Object stores keep
     * whole-second modification times (S3's Last-Modified), so that may take up to a second; the store's own
     * clock says when, through a probe object that is deleted again.
     */
    private void waitForALaterTimestamp() throws Exception {
        StoreUri probe = root().resolve("timestamp-probe");
        Instant first = put(probe, new byte[] {0}).lastModified();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!store().write(probe, new byte[] {1}, WriteCondition.overwrite()).lastModified().isAfter(first)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the store stamped no later modification time within 10 s");
            }
            Thread.sleep(20);
        }
        store().delete(probe);
    }
}
