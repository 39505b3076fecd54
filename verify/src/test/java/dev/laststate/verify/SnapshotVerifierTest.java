package dev.laststate.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.laststate.store.CheckpointStore;
import dev.laststate.store.CheckpointStores;
import dev.laststate.store.StoreUri;
import dev.laststate.store.WriteCondition;
import dev.laststate.store.memory.InMemoryCheckpointStore;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.flink.runtime.checkpoint.Checkpoints;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.state.IncrementalKeyedStateHandle.HandleAndLocalPath;
import org.apache.flink.runtime.state.IncrementalRemoteKeyedStateHandle;
import org.apache.flink.runtime.state.KeyGroupRange;
import org.apache.flink.runtime.state.KeyGroupRangeOffsets;
import org.apache.flink.runtime.state.KeyGroupsStateHandle;
import org.apache.flink.runtime.state.OperatorStreamStateHandle;
import org.apache.flink.runtime.state.filesystem.FileStateHandle;
import org.apache.flink.runtime.state.filesystem.RelativeFileStateHandle;
import org.apache.flink.runtime.state.memory.ByteStreamStateHandle;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code _metadata} written by Flink's own serializer, with relative, absolute (shared) and inline handles,
 * checked against a local store. The e2e module does the same against checkpoints of real jobs.
 */
class SnapshotVerifierTest {

    @TempDir
    Path root;

    private Path chk;
    private Path shared;
    private CheckpointStore store;

    @BeforeEach
    void writeSnapshot() throws Exception {
        chk = Files.createDirectories(root.resolve("job/chk-5"));
        shared = Files.createDirectories(root.resolve("job/shared"));
        Files.write(chk.resolve("keyed-1"), new byte[10]);
        Files.write(chk.resolve("MANIFEST-1"), new byte[3]);
        Files.write(shared.resolve("sst-1"), new byte[4]);
        org.apache.flink.core.fs.Path chkPath = new org.apache.flink.core.fs.Path(chk.toUri());

        KeyGroupsStateHandle keyed = new KeyGroupsStateHandle(new KeyGroupRangeOffsets(KeyGroupRange.of(0, 0)),
                new RelativeFileStateHandle(new org.apache.flink.core.fs.Path(chkPath, "keyed-1"), "keyed-1", 10));
        IncrementalRemoteKeyedStateHandle incremental = new IncrementalRemoteKeyedStateHandle(UUID.randomUUID(),
                KeyGroupRange.of(1, 1), 5L,
                List.of(HandleAndLocalPath.of(new FileStateHandle(new org.apache.flink.core.fs.Path(shared.resolve("sst-1").toUri()), 4), "000001.sst")),
                List.of(HandleAndLocalPath.of(new RelativeFileStateHandle(new org.apache.flink.core.fs.Path(chkPath, "MANIFEST-1"), "MANIFEST-1", 3), "MANIFEST-000001")),
                new ByteStreamStateHandle("meta", new byte[] {1, 2}));
        OperatorStreamStateHandle operator = new OperatorStreamStateHandle(Map.of(), new ByteStreamStateHandle("op", new byte[] {3}));

        OperatorState state = new OperatorState(null, null, new OperatorID(), 2, 128);
        state.putState(0, OperatorSubtaskState.builder().setManagedKeyedState(keyed).setManagedOperatorState(operator).build());
        state.putState(1, OperatorSubtaskState.builder().setManagedKeyedState(incremental).build());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Checkpoints.storeCheckpointMetadata(new CheckpointMetadata(5L, List.of(state), List.of()), new DataOutputStream(bytes));
        Files.write(chk.resolve("_metadata"), bytes.toByteArray());

        store = CheckpointStores.load().open(StoreUri.ofLocalPath(root.toString()), Map.of(), Map.of());
    }

    @Test
    void snapshotWithEveryFileIsRestorable() throws Exception {
        Verification verification = new SnapshotVerifier(store).verify(StoreUri.ofLocalPath(chk.toString()));

        assertThat(verification.restorable()).isTrue();
        assertThat(verification.checkpointId()).isEqualTo(5L);
        assertThat(verification.files()).containsExactlyInAnyOrder(
                new StateFile(StoreUri.ofLocalPath(chk.resolve("keyed-1").toString()), true),
                new StateFile(StoreUri.ofLocalPath(chk.resolve("MANIFEST-1").toString()), true),
                new StateFile(StoreUri.ofLocalPath(shared.resolve("sst-1").toString()), false));
        assertThat(verification.inlineHandles()).isEqualTo(2);
    }

    @Test
    void relativeReferencesResolveAgainstTheVerifiedDirectory() throws Exception {
        // A copy of the directory elsewhere (what promotion makes): relative files are looked up in the copy.
        Path copy = Files.createDirectories(root.resolve("last-state"));
        Files.copy(chk.resolve("_metadata"), copy.resolve("_metadata"));
        Files.copy(chk.resolve("keyed-1"), copy.resolve("keyed-1"));

        Verification verification = new SnapshotVerifier(store).verify(StoreUri.ofLocalPath(copy.toString()));

        assertThat(verification.restorable()).isFalse();
        assertThat(verification.missing()).containsExactly(
                new StateFile(StoreUri.ofLocalPath(copy.resolve("MANIFEST-1").toString()), true));
    }

    @Test
    void relativeReferencesVerifyInAStoreFlinkHasNoFileSystemFor() throws Exception {
        // Flink in this JVM has no file system for memory:// (nor for s3://, gs://, ...): reading the _metadata of
        // a snapshot there must not need one for its relative handles.
        StoreUri directory = StoreUri.parse("memory://bucket/flink/last-state");
        org.apache.flink.core.fs.Path flinkDirectory = new org.apache.flink.core.fs.Path(directory.toString());
        KeyGroupsStateHandle keyed = new KeyGroupsStateHandle(new KeyGroupRangeOffsets(KeyGroupRange.of(0, 0)),
                new RelativeFileStateHandle(new org.apache.flink.core.fs.Path(flinkDirectory, "keyed-1"), "keyed-1", 10));
        OperatorState state = new OperatorState(null, null, new OperatorID(), 1, 128);
        state.putState(0, OperatorSubtaskState.builder().setManagedKeyedState(keyed).build());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Checkpoints.storeCheckpointMetadata(new CheckpointMetadata(7L, List.of(state), List.of()), new DataOutputStream(bytes));
        try (CheckpointStore memory = new InMemoryCheckpointStore()) {
            memory.write(directory.resolve("_metadata"), bytes.toByteArray(), WriteCondition.overwrite());
            memory.write(directory.resolve("keyed-1"), new byte[10], WriteCondition.overwrite());

            Verification verification = new SnapshotVerifier(memory).verify(directory);

            assertThat(verification.restorable()).isTrue();
            assertThat(verification.checkpointId()).isEqualTo(7L);
            assertThat(verification.files()).containsExactly(new StateFile(directory.resolve("keyed-1"), true));
        }
    }

    @Test
    void missingSharedFileIsReported() throws Exception {
        Files.delete(shared.resolve("sst-1"));

        Verification verification = new SnapshotVerifier(store).verify(StoreUri.ofLocalPath(chk.toString()));

        assertThat(verification.missing()).containsExactly(
                new StateFile(StoreUri.ofLocalPath(shared.resolve("sst-1").toString()), false));
    }

    @Test
    void metadataFlinkCannotReadIsRefused() throws Exception {
        Files.write(chk.resolve("_metadata"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8});

        assertThatThrownBy(() -> new SnapshotVerifier(store).verify(StoreUri.ofLocalPath(chk.toString())))
                .isInstanceOf(UnreadableMetadataException.class)
                .hasMessageContaining("Flink cannot read it");
    }

    @Test
    void directoryWithoutMetadataIsRefused() throws Exception {
        Files.delete(chk.resolve("_metadata"));

        assertThatThrownBy(() -> new SnapshotVerifier(store).verify(StoreUri.ofLocalPath(chk.toString())))
                .isInstanceOf(UnreadableMetadataException.class)
                .hasMessageContaining("not a complete snapshot");
    }
}
