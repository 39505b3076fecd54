package dev.laststate.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.laststate.flink.FlinkLayout;
import dev.laststate.flink.RelocatedNames;
import dev.laststate.flink.Relocation;
import dev.laststate.flink.StateCopy;
import dev.laststate.flink.UnpromotableSnapshotException;
import dev.laststate.store.StoreUri;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.core.fs.Path;
import org.apache.flink.runtime.checkpoint.CheckpointProperties;
import org.apache.flink.runtime.checkpoint.CheckpointRetentionPolicy;
import org.apache.flink.runtime.checkpoint.Checkpoints;
import org.apache.flink.runtime.checkpoint.MasterState;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.checkpoint.StateObjectCollection;
import org.apache.flink.runtime.checkpoint.channel.InputChannelInfo;
import org.apache.flink.runtime.checkpoint.channel.ResultSubpartitionInfo;
import org.apache.flink.runtime.checkpoint.filemerging.LogicalFile;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.apache.flink.runtime.checkpoint.metadata.MetadataSerializers;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.state.CheckpointedStateScope;
import org.apache.flink.runtime.state.IncrementalKeyedStateHandle.HandleAndLocalPath;
import org.apache.flink.runtime.state.IncrementalRemoteKeyedStateHandle;
import org.apache.flink.runtime.state.InputChannelStateHandle;
import org.apache.flink.runtime.state.KeyGroupRange;
import org.apache.flink.runtime.state.KeyGroupRangeOffsets;
import org.apache.flink.runtime.state.KeyGroupsSavepointStateHandle;
import org.apache.flink.runtime.state.KeyGroupsStateHandle;
import org.apache.flink.runtime.state.KeyedStateHandle;
import org.apache.flink.runtime.state.OperatorStateHandle;
import org.apache.flink.runtime.state.OperatorStateHandle.Mode;
import org.apache.flink.runtime.state.OperatorStateHandle.StateMetaInfo;
import org.apache.flink.runtime.state.OperatorStreamStateHandle;
import org.apache.flink.runtime.state.ResultSubpartitionStateHandle;
import org.apache.flink.runtime.state.StateHandleID;
import org.apache.flink.runtime.state.StreamStateHandle;
import org.apache.flink.runtime.state.changelog.ChangelogStateBackendHandle.ChangelogStateBackendHandleImpl;
import org.apache.flink.runtime.state.changelog.ChangelogStateHandleStreamImpl;
import org.apache.flink.runtime.state.changelog.SequenceNumber;
import org.apache.flink.runtime.state.changelog.StateChange;
import org.apache.flink.runtime.state.changelog.inmemory.InMemoryChangelogStateHandle;
import org.apache.flink.runtime.state.filemerging.DirectoryStreamStateHandle;
import org.apache.flink.runtime.state.filemerging.EmptyFileMergingOperatorStreamStateHandle;
import org.apache.flink.runtime.state.filemerging.EmptySegmentFileStateHandle;
import org.apache.flink.runtime.state.filemerging.FileMergingOperatorStreamStateHandle;
import org.apache.flink.runtime.state.filemerging.SegmentFileStateHandle;
import org.apache.flink.runtime.state.filesystem.FileStateHandle;
import org.apache.flink.runtime.state.filesystem.RelativeFileStateHandle;
import org.apache.flink.runtime.state.memory.ByteStreamStateHandle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link FlinkSnapshotRelocator} on {@code _metadata} that Flink's own serializer wrote from real Flink handles; what it
 * returns is read back with Flink ({@link MetadataFormat#load}) and the handles Flink sees are checked.
 */
class FlinkSnapshotRelocatorTest {

    private static final String JOB = "5b1e0c3f9a2d4e6f8a0b1c2d3e4f5a6b";
    private static final String OTHER_JOB = "0f9e8d7c6b5a49382716a5b4c3d2e1f0";
    private static final StoreUri SNAPSHOT = StoreUri.parse("file:///ck/" + JOB + "/chk-12");
    private static final String SHARED = "file:///ck/" + JOB + "/shared/";
    private static final String TASK_OWNED = "file:///ck/" + JOB + "/taskowned/";
    private static final int FLINK_2_VERSION = 6;

    private final FlinkSnapshotRelocator relocator = new FlinkSnapshotRelocator();

    // ---------------------------------------------------------------------------------------------------------------
    // RocksDB and ForSt: IncrementalRemoteKeyedStateHandle
    // ---------------------------------------------------------------------------------------------------------------

    @Test
    void sharedRocksDbFilesBecomeRelativeCopiesKeepingTheirLocalNames() throws Exception {
        UUID backend = UUID.fromString("8d2f3a1e-6b4c-4f0e-9a7d-1c2b3e4f5a60");
        KeyGroupRange range = KeyGroupRange.of(32, 63);
        StateHandleID id = new StateHandleID("rocks-subtask-1");
        IncrementalRemoteKeyedStateHandle rocks = IncrementalRemoteKeyedStateHandle.restore(backend, range, 11L,
                List.of(HandleAndLocalPath.of(absolute(SHARED + "1f0e-sst-a", 1_000), "000012.sst"),
                        HandleAndLocalPath.of(absolute(SHARED + "2a9b-sst-b", 2_000), "000013.sst")),
                List.of(HandleAndLocalPath.of(relative("3c7d-manifest", 300), "MANIFEST-000004"),
                        HandleAndLocalPath.of(absolute(SNAPSHOT + "/4e5f-options", 40), "OPTIONS-000007"),
                        HandleAndLocalPath.of(new ByteStreamStateHandle("current", bytes("MANIFEST-000004\n")), "CURRENT")),
                relative("5a6b-meta", 77), 4_321L, id);

        Relocated relocated = relocate(checkpoint(OperatorSubtaskState.builder().setManagedKeyedState(rocks).build()));

        assertThat(relocated.copies()).containsExactlyInAnyOrder(
                StateCopy.wholeFile(StoreUri.parse(SHARED + "1f0e-sst-a"), 1_000),
                StateCopy.wholeFile(StoreUri.parse(SHARED + "2a9b-sst-b"), 2_000),
                StateCopy.wholeFile(SNAPSHOT.resolve("3c7d-manifest"), 300),
                StateCopy.wholeFile(SNAPSHOT.resolve("4e5f-options"), 40),
                StateCopy.wholeFile(SNAPSHOT.resolve("5a6b-meta"), 77));
        IncrementalRemoteKeyedStateHandle loaded = (IncrementalRemoteKeyedStateHandle) relocated.managedKeyed(0);
        assertThat(loaded.getBackendIdentifier()).isEqualTo(backend);
        assertThat(loaded.getKeyGroupRange()).isEqualTo(range);
        assertThat(loaded.getCheckpointId()).isEqualTo(11L);
        assertThat(loaded.getStateHandleId()).isEqualTo(id);
        assertThat(loaded.getCheckpointedSize()).isEqualTo(4_321L);
        assertThat(loaded.getSharedState()).extracting(HandleAndLocalPath::getLocalPath).containsExactly("000012.sst", "000013.sst");
        assertThat(loaded.getPrivateState()).extracting(HandleAndLocalPath::getLocalPath)
                .containsExactly("MANIFEST-000004", "OPTIONS-000007", "CURRENT");
        relocated.assertOnCopyOf(loaded.getSharedState().get(0).getHandle(), StoreUri.parse(SHARED + "1f0e-sst-a"));
        relocated.assertOnCopyOf(loaded.getSharedState().get(1).getHandle(), StoreUri.parse(SHARED + "2a9b-sst-b"));
        relocated.assertOnCopyOf(loaded.getPrivateState().get(0).getHandle(), SNAPSHOT.resolve("3c7d-manifest"));
        relocated.assertOnCopyOf(loaded.getPrivateState().get(1).getHandle(), SNAPSHOT.resolve("4e5f-options"));
        assertInline(loaded.getPrivateState().get(2).getHandle(), "current", bytes("MANIFEST-000004\n"));
        relocated.assertOnCopyOf(loaded.getMetaDataStateHandle(), SNAPSHOT.resolve("5a6b-meta"));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // HashMap state and operator state: KeyGroupsStateHandle, OperatorStreamStateHandle, in every slot of a subtask
    // ---------------------------------------------------------------------------------------------------------------

    /** The four places of a subtask's state that name files. */
    enum Slot {
        MANAGED_KEYED, RAW_KEYED, MANAGED_OPERATOR, RAW_OPERATOR;

        OperatorSubtaskState holding(Object handle) {
            OperatorSubtaskState.Builder builder = OperatorSubtaskState.builder();
            switch (this) {
                case MANAGED_KEYED -> builder.setManagedKeyedState((KeyedStateHandle) handle);
                case RAW_KEYED -> builder.setRawKeyedState((KeyedStateHandle) handle);
                case MANAGED_OPERATOR -> builder.setManagedOperatorState((OperatorStateHandle) handle);
                case RAW_OPERATOR -> builder.setRawOperatorState((OperatorStateHandle) handle);
            }
            return builder.build();
        }

        Object of(OperatorSubtaskState subtask) {
            StateObjectCollection<?> handles = switch (this) {
                case MANAGED_KEYED -> subtask.getManagedKeyedState();
                case RAW_KEYED -> subtask.getRawKeyedState();
                case MANAGED_OPERATOR -> subtask.getManagedOperatorState();
                case RAW_OPERATOR -> subtask.getRawOperatorState();
            };
            assertThat(handles).hasSize(1);
            return handles.iterator().next();
        }
    }

    @ParameterizedTest
    @EnumSource(value = Slot.class, names = {"MANAGED_KEYED", "RAW_KEYED"})
    void keyGroupsKeepTheirOffsetsAndStateHandleIdOnACopyOfTheirFileInTheSnapshotDirectory(Slot slot) throws Exception {
        KeyGroupRangeOffsets offsets = new KeyGroupRangeOffsets(KeyGroupRange.of(4, 7), new long[] {0, 10, 25, 40});
        StateHandleID id = new StateHandleID("heap-subtask-0");

        Relocated relocated = relocate(checkpoint(slot.holding(KeyGroupsStateHandle.restore(offsets, relative("7c1d-kg", 55), id))));

        StoreUri source = SNAPSHOT.resolve("7c1d-kg");
        assertThat(relocated.copies()).containsExactly(StateCopy.wholeFile(source, 55));
        KeyGroupsStateHandle loaded = (KeyGroupsStateHandle) slot.of(relocated.subtask(0));
        assertThat(loaded).isExactlyInstanceOf(KeyGroupsStateHandle.class);
        assertThat(loaded.getGroupRangeOffsets()).isEqualTo(offsets);
        assertThat(loaded.getStateHandleId()).isEqualTo(id);
        relocated.assertOnCopyOf(loaded.getDelegateStateHandle(), source);
    }

    @ParameterizedTest
    @EnumSource(value = Slot.class, names = {"MANAGED_OPERATOR", "RAW_OPERATOR"})
    void operatorStateKeepsItsPartitionOffsetsOnACopyOfItsFileInTheSnapshotDirectory(Slot slot) throws Exception {
        Map<String, StateMetaInfo> partitions = partitions();

        Relocated relocated = relocate(checkpoint(slot.holding(new OperatorStreamStateHandle(partitions, relative("8e2f-op", 64)))));

        StoreUri source = SNAPSHOT.resolve("8e2f-op");
        assertThat(relocated.copies()).containsExactly(StateCopy.wholeFile(source, 64));
        OperatorStreamStateHandle loaded = (OperatorStreamStateHandle) slot.of(relocated.subtask(0));
        assertThat(loaded.getStateNameToPartitionOffsets()).isEqualTo(partitions);
        relocated.assertOnCopyOf(loaded.getDelegateStateHandle(), source);
    }

    @Test
    void aCanonicalSavepointsKeyedStateStaysASavepointHandle() throws Exception {
        // Flink restores HashMap state from a SavepointKeyedStateHandle with the canonical format's reader
        // (HeapSavepointRestoreOperation), from any other KeyGroupsStateHandle with the checkpoint format's.
        KeyGroupRangeOffsets offsets = new KeyGroupRangeOffsets(KeyGroupRange.of(0, 1), new long[] {0, 90});

        Relocated relocated = relocate(checkpoint(OperatorSubtaskState.builder()
                .setManagedKeyedState(new KeyGroupsSavepointStateHandle(offsets, relative("9a3b-kg", 120))).build()));

        KeyGroupsStateHandle loaded = (KeyGroupsStateHandle) relocated.managedKeyed(0);
        assertThat(loaded).isExactlyInstanceOf(KeyGroupsSavepointStateHandle.class);
        assertThat(loaded.getGroupRangeOffsets()).isEqualTo(offsets);
        relocated.assertOnCopyOf(loaded.getDelegateStateHandle(), SNAPSHOT.resolve("9a3b-kg"));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // What is not a file: inline bytes, coordinator and master states, checkpoint properties
    // ---------------------------------------------------------------------------------------------------------------

    @Test
    void inlineBytesStayInlineAndNeedNoCopy() throws Exception {
        KeyGroupRangeOffsets offsets = new KeyGroupRangeOffsets(KeyGroupRange.of(0, 0), new long[] {0});
        Relocated relocated = relocate(checkpoint(OperatorSubtaskState.builder()
                .setManagedOperatorState(new OperatorStreamStateHandle(partitions(), new ByteStreamStateHandle("op-inline", bytes("op"))))
                .setManagedKeyedState(KeyGroupsStateHandle.restore(offsets, new ByteStreamStateHandle("kg-inline", bytes("kg")),
                        new StateHandleID("inline-kg")))
                .build()));

        assertThat(relocated.copies()).isEmpty();
        OperatorStateHandle operator = relocated.subtask(0).getManagedOperatorState().iterator().next();
        assertInline(operator.getDelegateStateHandle(), "op-inline", bytes("op"));
        assertThat(operator.getStateNameToPartitionOffsets()).isEqualTo(partitions());
        KeyGroupsStateHandle keyed = (KeyGroupsStateHandle) relocated.managedKeyed(0);
        assertInline(keyed.getDelegateStateHandle(), "kg-inline", bytes("kg"));
        assertThat(keyed.getStateHandleId()).isEqualTo(new StateHandleID("inline-kg"));
    }

    static Stream<Arguments> formatsThatCarryProperties() {
        List<CheckpointProperties> properties = List.of(
                CheckpointProperties.forCheckpoint(CheckpointRetentionPolicy.RETAIN_ON_CANCELLATION),
                CheckpointProperties.forSavepoint(true, SavepointFormatType.CANONICAL),
                CheckpointProperties.forSavepoint(false, SavepointFormatType.NATIVE));
        return Stream.of(4, 5, 6).flatMap(version -> properties.stream().map(p -> Arguments.of(version, p)));
    }

    @ParameterizedTest(name = "version {0}, {1}")
    @MethodSource("formatsThatCarryProperties")
    void coordinatorStateMasterStatesAndCheckpointPropertiesSurvive(int version, CheckpointProperties properties) throws Exception {
        OperatorState operator = operator(1, OperatorSubtaskState.builder()
                .setManagedOperatorState(new OperatorStreamStateHandle(partitions(), relative("op", 10))).build());
        operator.setCoordinatorState(new ByteStreamStateHandle("coordinator", bytes("enumerator checkpoint")));
        CheckpointMetadata metadata = new CheckpointMetadata(12, List.of(operator),
                List.of(new MasterState("hook-a", bytes("master bytes"), 3), new MasterState("hook-b", new byte[] {1}, 1)), properties);

        Relocated relocated = relocate(version, metadata);

        assertThat(relocated.metadata().getCheckpointId()).isEqualTo(12);
        assertThat(relocated.metadata().getCheckpointProperties()).isEqualTo(properties);
        assertThat(relocated.metadata().getMasterStates()).extracting(MasterState::name, m -> new String(m.bytes(), StandardCharsets.UTF_8),
                MasterState::version).containsExactly(
                        tuple("hook-a", "master bytes", 3),
                        tuple("hook-b", "\u0001", 1));
        OperatorState loaded = relocated.metadata().getOperatorStates().iterator().next();
        assertThat(loaded.getOperatorID()).isEqualTo(operator.getOperatorID());
        assertInline(loaded.getCoordinatorState(), "coordinator", bytes("enumerator checkpoint"));
        assertThat(relocated.copies()).containsExactly(StateCopy.wholeFile(SNAPSHOT.resolve("op"), 10));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Format version
    // ---------------------------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "version {0}")
    @ValueSource(ints = {4, 5, 6})
    void theRelocatedMetadataIsInTheFormatVersionItWasReadIn(int version) throws Exception {
        CheckpointMetadata metadata = checkpoint(
                OperatorSubtaskState.builder()
                        .setManagedKeyedState(IncrementalRemoteKeyedStateHandle.restore(UUID.randomUUID(), KeyGroupRange.of(0, 63), 12L,
                                List.of(HandleAndLocalPath.of(absolute(SHARED + "sst", 500), "000009.sst")), List.of(),
                                relative("meta", 20), 520L, new StateHandleID("rocks")))
                        .setManagedOperatorState(fileMerging(segment(TASK_OWNED + "merged", 100, 40, CheckpointedStateScope.EXCLUSIVE)))
                        .build(),
                OperatorSubtaskState.builder().setRawKeyedState(KeyGroupsStateHandle.restore(
                        new KeyGroupRangeOffsets(KeyGroupRange.of(64, 64), new long[] {0}), relative("kg", 8), new StateHandleID("kg")))
                        .build());
        byte[] original = flinkWrites(version, metadata);

        Relocation relocation = relocator.relocate(SNAPSHOT, original);

        assertThat(ByteBuffer.wrap(relocation.metadata(), 0, 4).getInt()).isEqualTo(Checkpoints.HEADER_MAGIC_NUMBER);
        assertThat(ByteBuffer.wrap(relocation.metadata(), 4, 4).getInt()).isEqualTo(ByteBuffer.wrap(original, 4, 4).getInt())
                .isEqualTo(version);
        CheckpointMetadata loaded = MetadataFormat.load(SNAPSHOT.resolve(FlinkLayout.METADATA), relocation.metadata());
        assertThat(loaded.getOperatorStates().iterator().next().getStates()).hasSize(2);
        assertThat(relocation.copies()).hasSize(4);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // File merging
    // ---------------------------------------------------------------------------------------------------------------

    @Test
    void aFileMergingSegmentBecomesACopyOfItsRangeOnAPlainOperatorHandle() throws Exception {
        SegmentFileStateHandle segment = segment(TASK_OWNED + "c0ffee-merged", 100, 40, CheckpointedStateScope.EXCLUSIVE);

        Relocated relocated = relocate(checkpoint(OperatorSubtaskState.builder().setManagedOperatorState(fileMerging(segment)).build()));

        StoreUri physical = StoreUri.parse(TASK_OWNED + "c0ffee-merged");
        StateCopy copy = StateCopy.segment(physical, 100, 40);
        assertThat(relocated.copies()).containsExactly(copy);
        assertThat(copy.whole()).isFalse();
        assertThat(copy.offset()).isEqualTo(100);
        assertThat(copy.length()).isEqualTo(40);
        OperatorStateHandle loaded = relocated.subtask(0).getManagedOperatorState().iterator().next();
        assertThat(loaded).isExactlyInstanceOf(OperatorStreamStateHandle.class);
        assertThat(loaded.getStateNameToPartitionOffsets()).isEqualTo(partitions());
        assertOn(loaded.getDelegateStateHandle(), copy);
    }

    @Test
    void twoSegmentsOfOnePhysicalFileGetTwoNames() throws Exception {
        String physical = SHARED + "op-1/merged-sst";
        IncrementalRemoteKeyedStateHandle rocks = IncrementalRemoteKeyedStateHandle.restore(UUID.randomUUID(), KeyGroupRange.of(0, 7), 12L,
                List.of(HandleAndLocalPath.of(segment(physical, 0, 500, CheckpointedStateScope.SHARED), "000020.sst"),
                        HandleAndLocalPath.of(segment(physical, 500, 700, CheckpointedStateScope.SHARED), "000021.sst")),
                List.of(), segment(TASK_OWNED + "merged-meta", 0, 30, CheckpointedStateScope.EXCLUSIVE), 1_230L, new StateHandleID("rocks"));

        Relocated relocated = relocate(checkpoint(OperatorSubtaskState.builder().setManagedKeyedState(rocks).build()));

        StateCopy first = StateCopy.segment(StoreUri.parse(physical), 0, 500);
        StateCopy second = StateCopy.segment(StoreUri.parse(physical), 500, 700);
        assertThat(first.name()).isNotEqualTo(second.name());
        assertThat(relocated.copies()).containsExactlyInAnyOrder(first, second,
                StateCopy.segment(StoreUri.parse(TASK_OWNED + "merged-meta"), 0, 30));
        IncrementalRemoteKeyedStateHandle loaded = (IncrementalRemoteKeyedStateHandle) relocated.managedKeyed(0);
        assertOn(loaded.getSharedState().get(0).getHandle(), first);
        assertOn(loaded.getSharedState().get(1).getHandle(), second);
        assertThat(loaded.getSharedState()).extracting(HandleAndLocalPath::getLocalPath).containsExactly("000020.sst", "000021.sst");
    }

    @Test
    void anEmptyFileMergingOperatorHandleIsDropped() throws Exception {
        Relocated relocated = relocate(checkpoint(OperatorSubtaskState.builder()
                .setManagedOperatorState(EmptyFileMergingOperatorStreamStateHandle.create(
                        DirectoryStreamStateHandle.of(new Path(SHARED + "op-1")), DirectoryStreamStateHandle.of(new Path(TASK_OWNED + "tm-1"))))
                .setRawOperatorState(new OperatorStreamStateHandle(partitions(), relative("raw-op", 12)))
                .build()));

        assertThat(relocated.subtask(0).getManagedOperatorState()).isEmpty();
        assertThat(relocated.subtask(0).getRawOperatorState()).hasSize(1);
        assertThat(relocated.copies()).containsExactly(StateCopy.wholeFile(SNAPSHOT.resolve("raw-op"), 12));
    }

    @Test
    void anEmptySegmentBecomesEmptyInlineBytes() throws Exception {
        Relocated relocated = relocate(checkpoint(OperatorSubtaskState.builder()
                .setManagedKeyedState(IncrementalRemoteKeyedStateHandle.restore(UUID.randomUUID(), KeyGroupRange.of(0, 7), 12L,
                        List.of(HandleAndLocalPath.of(EmptySegmentFileStateHandle.INSTANCE, "000030.sst")), List.of(),
                        new ByteStreamStateHandle("meta", bytes("m")), 1L, new StateHandleID("rocks")))
                .build()));

        assertThat(relocated.copies()).isEmpty();
        StreamStateHandle loaded = ((IncrementalRemoteKeyedStateHandle) relocated.managedKeyed(0)).getSharedState().get(0).getHandle();
        assertThat(loaded).isInstanceOf(ByteStreamStateHandle.class);
        assertThat(((ByteStreamStateHandle) loaded).getData()).isEmpty();
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Names: distinct sources never share one, one source is copied once
    // ---------------------------------------------------------------------------------------------------------------

    @Test
    void sharedFilesOfOneNameInTwoJobsDirectoriesGetTwoNamesAndAreBothCopied() throws Exception {
        // A job restored from another job's checkpoint still references that job's shared/ files.
        String ours = SHARED + "6d1e-same-name";
        String theirs = "file:///ck/" + OTHER_JOB + "/shared/6d1e-same-name";
        CheckpointMetadata metadata = new CheckpointMetadata(12, List.of(
                operator(1, OperatorSubtaskState.builder().setManagedKeyedState(rocks("000012.sst", absolute(ours, 100))).build()),
                operator(2, OperatorSubtaskState.builder().setManagedKeyedState(rocks("000012.sst", absolute(theirs, 100))).build())),
                List.of());

        Relocation relocation = relocator.relocate(SNAPSHOT, flinkWrites(FLINK_2_VERSION, metadata));

        assertThat(relocation.copies()).extracting(StateCopy::source)
                .containsExactlyInAnyOrder(StoreUri.parse(ours), StoreUri.parse(theirs));
        assertThat(relocation.copies()).extracting(StateCopy::name).doesNotHaveDuplicates()
                .allSatisfy(name -> assertThat(name).endsWith("-6d1e-same-name"));
        List<String> loaded = MetadataFormat.load(SNAPSHOT.resolve(FlinkLayout.METADATA), relocation.metadata()).getOperatorStates().stream()
                .map(o -> ((IncrementalRemoteKeyedStateHandle) o.getState(0).getManagedKeyedState().iterator().next()))
                .map(h -> ((RelativeFileStateHandle) h.getSharedState().get(0).getHandle()).getRelativePath())
                .toList();
        assertThat(loaded).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(relocation.copies().stream().map(StateCopy::name).toList());
    }

    static Stream<Arguments> oneFileTwoHandles() {
        return Stream.of(
                Arguments.of("two subtasks' RocksDB handles (after rescaling)", SHARED + "7e2f-sst",
                        (Function<String, StreamStateHandle>) uri -> absolute(uri, 900),
                        (Function<String, StreamStateHandle>) uri -> absolute(uri, 900)),
                Arguments.of("a relative and an absolute handle on one file of the snapshot directory", SNAPSHOT + "/8f3a-sst",
                        (Function<String, StreamStateHandle>) uri -> relative("8f3a-sst", 900),
                        (Function<String, StreamStateHandle>) uri -> absolute(uri, 900)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("oneFileTwoHandles")
    void aFileReferencedByTwoHandlesIsCopiedOnce(String what, String uri, Function<String, StreamStateHandle> first,
            Function<String, StreamStateHandle> second) throws Exception {
        Relocated relocated = relocate(checkpoint(
                OperatorSubtaskState.builder().setManagedKeyedState(rocks("000012.sst", first.apply(uri))).build(),
                OperatorSubtaskState.builder().setManagedKeyedState(rocks("000012.sst", second.apply(uri))).build()));

        StateCopy copy = StateCopy.wholeFile(StoreUri.parse(uri), 900);
        assertThat(relocated.copies()).containsExactly(copy);
        for (int subtask = 0; subtask < 2; subtask++) {
            assertOn(((IncrementalRemoteKeyedStateHandle) relocated.managedKeyed(subtask)).getSharedState().get(0).getHandle(), copy);
        }
    }

    @Test
    void oneFileGivenTwoSizesIsRefused() {
        String uri = SHARED + "9a4b-sst";
        byte[] metadata = flinkWrites(FLINK_2_VERSION, checkpoint(
                OperatorSubtaskState.builder().setManagedKeyedState(rocks("000012.sst", absolute(uri, 900))).build(),
                OperatorSubtaskState.builder().setManagedKeyedState(rocks("000012.sst", absolute(uri, 901))).build()));

        assertThatThrownBy(() -> relocator.relocate(SNAPSHOT, metadata))
                .isInstanceOf(UnpromotableSnapshotException.class)
                .hasMessageContaining("two different pieces of state named " + RelocatedNames.file(StoreUri.parse(uri)))
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    /** Flink's paths are not URIs: a directory's space or '%' is the name's own, as Flink opens it. */
    @ParameterizedTest
    @ValueSource(strings = {"file:///ck/my checkpoints/" + JOB + "/shared/0a1b-sst", "s3://bucket/50%off/" + JOB + "/shared/0a1b-sst"})
    void aFileIsCopiedFromTheLocationFlinkOpens(String location) throws Exception {
        Relocated relocated = relocate(checkpoint(OperatorSubtaskState.builder()
                .setManagedKeyedState(rocks("000012.sst", absolute(location, 900))).build()));

        assertThat(relocated.copies()).extracting(StateCopy::source).containsExactly(StoreUri.parse(location));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Refusals
    // ---------------------------------------------------------------------------------------------------------------

    static Stream<Arguments> unrelocatableState() {
        KeyGroupRange range = KeyGroupRange.of(0, 7);
        ChangelogStateHandleStreamImpl changes = new ChangelogStateHandleStreamImpl(
                List.of(Tuple2.of(absolute("file:///ck/changelog/1b2c", 70), 0L)), range, 70, 70, "filesystem");
        KeyGroupsStateHandle materialized = KeyGroupsStateHandle.restore(new KeyGroupRangeOffsets(range),
                relative("materialized", 10), new StateHandleID("materialized"));
        return Stream.of(
                Arguments.of("unaligned checkpoint input channel state (InputChannelStateHandle)",
                        OperatorSubtaskState.builder().setInputChannelState(new StateObjectCollection<>(List.of(
                                new InputChannelStateHandle(new InputChannelInfo(0, 1), relative("channel", 33), List.of(0L, 11L)))))
                                .build()),
                Arguments.of("unaligned checkpoint output buffer state (ResultSubpartitionStateHandle)",
                        OperatorSubtaskState.builder().setResultSubpartitionState(new StateObjectCollection<>(List.of(
                                new ResultSubpartitionStateHandle(new ResultSubpartitionInfo(0, 2), relative("channel", 33), List.of(0L)))))
                                .build()),
                Arguments.of("changelog state (ChangelogStateBackendHandleImpl)",
                        OperatorSubtaskState.builder().setManagedKeyedState(new ChangelogStateBackendHandleImpl(
                                List.of(materialized), List.of(changes), range, 12L, 3L, 80L)).build()),
                Arguments.of("changelog state (ChangelogStateHandleStreamImpl)",
                        OperatorSubtaskState.builder().setManagedKeyedState(changes).build()),
                Arguments.of("InMemoryChangelogStateHandle",
                        OperatorSubtaskState.builder().setRawKeyedState(new InMemoryChangelogStateHandle(
                                List.of(StateChange.ofDataChange(3, bytes("change"))), SequenceNumber.of(1), SequenceNumber.of(2), range))
                                .build()),
                // Flink's serializer writes a KeyGroupsStateHandle where a stream handle goes: no file laststate can name.
                Arguments.of(KeyGroupsStateHandle.class.getName(),
                        OperatorSubtaskState.builder().setManagedOperatorState(new OperatorStreamStateHandle(partitions(),
                                new KeyGroupsStateHandle(new KeyGroupRangeOffsets(range), relative("kg", 5)))).build()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unrelocatableState")
    void stateItCannotCarryIsRefusedByName(String named, OperatorSubtaskState state) {
        // Beside state it could carry: nothing is ever half-relocated.
        OperatorSubtaskState fine = OperatorSubtaskState.builder()
                .setManagedKeyedState(rocks("000012.sst", absolute(SHARED + "fine", 1))).build();
        byte[] metadata = flinkWrites(FLINK_2_VERSION, checkpoint(fine, state));

        assertThatThrownBy(() -> relocator.relocate(SNAPSHOT, metadata))
                .isInstanceOf(UnpromotableSnapshotException.class)
                .hasMessageStartingWith(SNAPSHOT.resolve(FlinkLayout.METADATA) + " references state laststate cannot relocate: ")
                .hasMessageEndingWith(named)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"))
                .satisfies(e -> assertThat(((UnpromotableSnapshotException) e).snapshot()).isEqualTo(SNAPSHOT));
    }

    static Stream<Arguments> notFlinkMetadata() throws IOException {
        byte[] valid = flinkWrites(FLINK_2_VERSION, checkpoint(OperatorSubtaskState.builder()
                .setManagedKeyedState(rocks("000012.sst", absolute(SHARED + "sst", 10))).build()));
        ByteArrayOutputStream hugeLength = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(hugeLength)) {
            out.writeInt(Checkpoints.HEADER_MAGIC_NUMBER);
            out.writeInt(FLINK_2_VERSION);
            out.writeLong(12);
            out.writeInt(1); // one master state
            out.writeInt(0xc96b1696); // its magic number
            out.writeInt(Integer.MAX_VALUE); // and a length of 2 GiB
        }
        ByteBuffer unknownVersion = ByteBuffer.wrap(valid.clone());
        unknownVersion.putInt(4, 99);
        return Stream.of(
                Arguments.of("empty", new byte[0]),
                Arguments.of("text", bytes("not a checkpoint, just some text in a file named _metadata")),
                Arguments.of("cut short", Arrays.copyOf(valid, valid.length / 2)),
                Arguments.of("an unknown format version", unknownVersion.array()),
                Arguments.of("a length larger than the file", hugeLength.toByteArray()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("notFlinkMetadata")
    void bytesThatAreNotFlinkMetadataAreRefused(String what, byte[] bytes) {
        assertThatThrownBy(() -> relocator.relocate(SNAPSHOT, bytes))
                .isInstanceOf(UnpromotableSnapshotException.class)
                .hasMessageStartingWith(SNAPSHOT.resolve(FlinkLayout.METADATA) + ": Flink cannot read it")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Helpers
    // ---------------------------------------------------------------------------------------------------------------

    /** A relocation and the {@code _metadata} it wrote, as Flink reads it. */
    private record Relocated(Relocation relocation, CheckpointMetadata metadata) {
        List<StateCopy> copies() {
            return relocation.copies();
        }

        OperatorSubtaskState subtask(int index) {
            return metadata.getOperatorStates().iterator().next().getState(index);
        }

        KeyedStateHandle managedKeyed(int subtask) {
            StateObjectCollection<KeyedStateHandle> handles = subtask(subtask).getManagedKeyedState();
            assertThat(handles).hasSize(1);
            return handles.iterator().next();
        }

        /** {@code handle} is a relative one on the whole-file copy of {@code source}. */
        void assertOnCopyOf(StreamStateHandle handle, StoreUri source) {
            List<StateCopy> of = copies().stream().filter(c -> c.source().equals(source)).toList();
            assertThat(of).as("copies of %s", source).hasSize(1);
            assertThat(of.get(0).whole()).isTrue();
            assertOn(handle, of.get(0));
        }
    }

    private static void assertOn(StreamStateHandle handle, StateCopy copy) {
        assertThat(handle).isExactlyInstanceOf(RelativeFileStateHandle.class);
        assertThat(((RelativeFileStateHandle) handle).getRelativePath()).isEqualTo(copy.name());
        assertThat(handle.getStateSize()).isEqualTo(copy.length());
    }

    private static void assertInline(StreamStateHandle handle, String name, byte[] data) {
        assertThat(handle).isExactlyInstanceOf(ByteStreamStateHandle.class);
        assertThat(((ByteStreamStateHandle) handle).getHandleName()).isEqualTo(name);
        assertThat(((ByteStreamStateHandle) handle).getData()).isEqualTo(data);
    }

    private Relocated relocate(CheckpointMetadata metadata) throws Exception {
        return relocate(FLINK_2_VERSION, metadata);
    }

    private Relocated relocate(int version, CheckpointMetadata metadata) throws Exception {
        Relocation relocation = relocator.relocate(SNAPSHOT, flinkWrites(version, metadata));
        return new Relocated(relocation, MetadataFormat.load(SNAPSHOT.resolve(FlinkLayout.METADATA), relocation.metadata()));
    }

    private static byte[] flinkWrites(int version, CheckpointMetadata metadata) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            Checkpoints.storeCheckpointMetadata(metadata, new DataOutputStream(out), MetadataSerializers.getSerializer(version));
        } catch (IOException e) {
            throw new AssertionError("Flink cannot write the test's metadata", e);
        }
        return out.toByteArray();
    }

    /** Checkpoint 12 of one operator with these subtasks. */
    private static CheckpointMetadata checkpoint(OperatorSubtaskState... subtasks) {
        return new CheckpointMetadata(12, List.of(operator(1, subtasks)), List.of());
    }

    private static OperatorState operator(long id, OperatorSubtaskState... subtasks) {
        OperatorState operator = new OperatorState(null, null, new OperatorID(id, 0xfeed), subtasks.length, 128);
        for (int i = 0; i < subtasks.length; i++) {
            operator.putState(i, subtasks[i]);
        }
        return operator;
    }

    /** A RocksDB handle of one shared file, its meta data inline. */
    private static IncrementalRemoteKeyedStateHandle rocks(String localPath, StreamStateHandle shared) {
        return IncrementalRemoteKeyedStateHandle.restore(UUID.randomUUID(), KeyGroupRange.of(0, 127), 12L,
                List.of(HandleAndLocalPath.of(shared, localPath)), List.of(), new ByteStreamStateHandle("meta", bytes("m")),
                shared.getStateSize(), StateHandleID.randomStateHandleId());
    }

    private static FileMergingOperatorStreamStateHandle fileMerging(SegmentFileStateHandle segment) {
        return new FileMergingOperatorStreamStateHandle(DirectoryStreamStateHandle.of(new Path(SHARED + "op-1")),
                DirectoryStreamStateHandle.of(new Path(TASK_OWNED + "tm-1")), partitions(), segment);
    }

    private static SegmentFileStateHandle segment(String physical, long start, long size, CheckpointedStateScope scope) {
        return new SegmentFileStateHandle(new Path(physical), start, size, scope,
                new LogicalFile.LogicalFileId(physical + "@" + start));
    }

    private static Map<String, StateMetaInfo> partitions() {
        Map<String, StateMetaInfo> partitions = new LinkedHashMap<>();
        partitions.put("buffered-elements", new StateMetaInfo(new long[] {0, 17, 30}, Mode.SPLIT_DISTRIBUTE));
        partitions.put("rules", new StateMetaInfo(new long[] {40}, Mode.BROADCAST));
        partitions.put("offsets", new StateMetaInfo(new long[] {52, 60}, Mode.UNION));
        return partitions;
    }

    private static FileStateHandle absolute(String uri, long size) {
        return new FileStateHandle(new Path(uri), size);
    }

    /** A file of the snapshot directory, as Flink references its exclusive state. */
    private static RelativeFileStateHandle relative(String name, long size) {
        return new RelativeFileStateHandle(new Path(SNAPSHOT + "/" + name), name, size);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
