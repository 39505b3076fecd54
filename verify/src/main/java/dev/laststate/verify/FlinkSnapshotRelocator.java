package dev.laststate.verify;

import dev.laststate.flink.FlinkLayout;
import dev.laststate.flink.Relocation;
import dev.laststate.flink.SnapshotRelocator;
import dev.laststate.flink.StateCopy;
import dev.laststate.flink.UnpromotableSnapshotException;
import dev.laststate.store.InvalidStoreUriException;
import dev.laststate.store.StoreUri;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.core.fs.Path;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.checkpoint.StateObjectCollection;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.apache.flink.runtime.state.IncrementalKeyedStateHandle.HandleAndLocalPath;
import org.apache.flink.runtime.state.IncrementalRemoteKeyedStateHandle;
import org.apache.flink.runtime.state.KeyGroupsSavepointStateHandle;
import org.apache.flink.runtime.state.KeyGroupsStateHandle;
import org.apache.flink.runtime.state.KeyedStateHandle;
import org.apache.flink.runtime.state.OperatorStateHandle;
import org.apache.flink.runtime.state.OperatorStreamStateHandle;
import org.apache.flink.runtime.state.StateObject;
import org.apache.flink.runtime.state.StreamStateHandle;
import org.apache.flink.runtime.state.filemerging.EmptyFileMergingOperatorStreamStateHandle;
import org.apache.flink.runtime.state.filemerging.EmptySegmentFileStateHandle;
import org.apache.flink.runtime.state.filemerging.SegmentFileStateHandle;
import org.apache.flink.runtime.state.filesystem.FileStateHandle;
import org.apache.flink.runtime.state.filesystem.RelativeFileStateHandle;
import org.apache.flink.runtime.state.memory.ByteStreamStateHandle;

/**
 * Makes a snapshot self-contained with Flink's own classes: loads its {@code _metadata}, replaces every handle
 * that names a file (relative or absolute: a checkpoint's exclusive state, RocksDB's and ForSt's {@code shared/}
 * files, entropy-injected S3 paths) or a file-merging segment with a {@link RelativeFileStateHandle} on the copy the
 * target will hold, and writes the result in the format version it read.
 *
 * <p>What is kept, because Flink needs it on restore: RocksDB's local file names ({@code 000012.sst}), the backend
 * id, key-group ranges and offsets, checkpoint ids, state handle ids, operator state offsets, master states and the
 * checkpoint's properties. Inline bytes stay inline. File-merging segments become files of their own; the
 * file-merging operator handles become plain ones and their empty variants go. Refused, so nothing is ever
 * half-relocated: unaligned checkpoints' channel state, changelog state, and any handle type not named here.
 */
public final class FlinkSnapshotRelocator implements SnapshotRelocator {

    @Override
    public Relocation relocate(StoreUri snapshot, byte[] bytes) throws UnpromotableSnapshotException {
        StoreUri metadataUri = snapshot.resolve(FlinkLayout.METADATA);
        CheckpointMetadata metadata;
        try {
            metadata = MetadataFormat.load(metadataUri, bytes);
        } catch (UnreadableMetadataException e) {
            throw new UnpromotableSnapshotException(snapshot, e.getMessage());
        }
        Rewrite rewrite = new Rewrite(snapshot);
        try {
            for (OperatorState operator : metadata.getOperatorStates()) {
                for (Map.Entry<Integer, OperatorSubtaskState> subtask : new ArrayList<>(operator.getSubtaskStates().entrySet())) {
                    operator.putState(subtask.getKey(), rewrite.subtask(subtask.getValue()));
                }
            }
        } catch (InvalidStoreUriException e) {
            throw new UnpromotableSnapshotException(snapshot, metadataUri + " references a file laststate cannot name as a"
                    + " store location: " + e.getMessage());
        }
        if (!rewrite.refused.isEmpty()) {
            throw new UnpromotableSnapshotException(snapshot, metadataUri + " references state laststate cannot relocate: "
                    + String.join(", ", rewrite.refused));
        }
        try {
            return new Relocation(List.copyOf(rewrite.copies.values()), MetadataFormat.write(metadata, MetadataFormat.version(bytes)));
        } catch (IOException | RuntimeException e) {
            throw new UnpromotableSnapshotException(snapshot, "Flink cannot write the relocated " + metadataUri
                    + " in format version " + MetadataFormat.version(bytes) + ": " + e.getMessage());
        }
    }

    /** One snapshot's handles, rebuilt: the copies they now point at, and what could not be carried over. */
    private static final class Rewrite {
        private final StoreUri snapshot;
        private final Map<String, StateCopy> copies = new LinkedHashMap<>();
        private final Set<String> refused = new LinkedHashSet<>();

        Rewrite(StoreUri snapshot) {
            this.snapshot = snapshot;
        }

        OperatorSubtaskState subtask(OperatorSubtaskState state) {
            refuseAny(state.getInputChannelState(), "unaligned checkpoint input channel state");
            refuseAny(state.getResultSubpartitionState(), "unaligned checkpoint output buffer state");
            refuseAny(state.getUpstreamOutputBufferState(), "unaligned checkpoint upstream output buffer state");
            return state.toBuilder()
                    .setManagedOperatorState(operatorStates(state.getManagedOperatorState()))
                    .setRawOperatorState(operatorStates(state.getRawOperatorState()))
                    .setManagedKeyedState(keyedStates(state.getManagedKeyedState()))
                    .setRawKeyedState(keyedStates(state.getRawKeyedState()))
                    .build();
        }

        private void refuseAny(Collection<? extends StateObject> handles, String what) {
            if (!handles.isEmpty()) {
                refused.add(what + " (" + handles.iterator().next().getClass().getSimpleName() + ")");
            }
        }

        private StateObjectCollection<OperatorStateHandle> operatorStates(Collection<OperatorStateHandle> handles) {
            List<OperatorStateHandle> rebuilt = new ArrayList<>();
            for (OperatorStateHandle handle : handles) {
                if (handle instanceof EmptyFileMergingOperatorStreamStateHandle) {
                    continue; // names file-merging directories only: no state
                }
                if (handle instanceof OperatorStreamStateHandle stream) {
                    // FileMergingOperatorStreamStateHandle too: it becomes a plain handle on its extracted segment.
                    rebuilt.add(new OperatorStreamStateHandle(stream.getStateNameToPartitionOffsets(),
                            stream(stream.getDelegateStateHandle())));
                } else {
                    refused.add(handle.getClass().getName());
                }
            }
            return new StateObjectCollection<>(rebuilt);
        }

        private StateObjectCollection<KeyedStateHandle> keyedStates(Collection<KeyedStateHandle> handles) {
            List<KeyedStateHandle> rebuilt = new ArrayList<>();
            for (KeyedStateHandle handle : handles) {
                if (handle instanceof KeyGroupsSavepointStateHandle savepoint) {
                    // A canonical savepoint's: Flink picks the canonical format's reader by this type (and writes no
                    // state handle id for it).
                    rebuilt.add(new KeyGroupsSavepointStateHandle(savepoint.getGroupRangeOffsets(),
                            stream(savepoint.getDelegateStateHandle())));
                } else if (handle instanceof KeyGroupsStateHandle keyGroups) {
                    rebuilt.add(KeyGroupsStateHandle.restore(keyGroups.getGroupRangeOffsets(),
                            stream(keyGroups.getDelegateStateHandle()), keyGroups.getStateHandleId()));
                } else if (handle instanceof IncrementalRemoteKeyedStateHandle incremental) {
                    rebuilt.add(IncrementalRemoteKeyedStateHandle.restore(incremental.getBackendIdentifier(),
                            incremental.getKeyGroupRange(), incremental.getCheckpointId(),
                            files(incremental.getSharedState()), files(incremental.getPrivateState()),
                            stream(incremental.getMetaDataStateHandle()), incremental.getCheckpointedSize(),
                            incremental.getStateHandleId()));
                } else {
                    refused.add(handle.getClass().getSimpleName().startsWith("Changelog")
                            ? "changelog state (" + handle.getClass().getSimpleName() + ")"
                            : handle.getClass().getName());
                }
            }
            return new StateObjectCollection<>(rebuilt);
        }

        /** RocksDB's files: each keeps the local name RocksDB gets it back under. */
        private List<HandleAndLocalPath> files(List<HandleAndLocalPath> handles) {
            List<HandleAndLocalPath> rebuilt = new ArrayList<>(handles.size());
            for (HandleAndLocalPath handle : handles) {
                rebuilt.add(HandleAndLocalPath.of(stream(handle.getHandle()), handle.getLocalPath()));
            }
            return rebuilt;
        }

        private StreamStateHandle stream(StreamStateHandle handle) {
            if (handle == null || handle instanceof ByteStreamStateHandle) {
                return handle;
            }
            if (handle instanceof EmptySegmentFileStateHandle) {
                return new ByteStreamStateHandle("empty-segment", new byte[0]);
            }
            if (handle instanceof SegmentFileStateHandle segment) {
                return relative(StateCopy.segment(FlinkPaths.location(segment.getFilePath()), segment.getStartPos(), segment.getStateSize()));
            }
            if (handle instanceof RelativeFileStateHandle file) {
                return relative(StateCopy.wholeFile(snapshot.resolve(file.getRelativePath()), file.getStateSize()));
            }
            if (handle instanceof FileStateHandle file) {
                return relative(StateCopy.wholeFile(FlinkPaths.location(file.getFilePath()), file.getStateSize()));
            }
            refused.add(handle.getClass().getName());
            return handle;
        }

        private StreamStateHandle relative(StateCopy copy) {
            StateCopy earlier = copies.putIfAbsent(copy.name(), copy);
            if (earlier != null && !earlier.equals(copy)) {
                refused.add("two different pieces of state named " + copy.name() + " (" + earlier + ", " + copy + ")");
            }
            return new RelativeFileStateHandle(new Path(copy.name()), copy.name(), copy.length());
        }
    }
}
