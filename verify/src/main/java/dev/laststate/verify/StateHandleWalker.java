package dev.laststate.verify;

import dev.laststate.store.StoreUri;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.core.fs.Path;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.apache.flink.runtime.state.AbstractChannelStateHandle;
import org.apache.flink.runtime.state.AbstractMergedChannelStateHandle;
import org.apache.flink.runtime.state.IncrementalKeyedStateHandle.HandleAndLocalPath;
import org.apache.flink.runtime.state.IncrementalRemoteKeyedStateHandle;
import org.apache.flink.runtime.state.KeyGroupsStateHandle;
import org.apache.flink.runtime.state.OperatorStreamStateHandle;
import org.apache.flink.runtime.state.StateObject;
import org.apache.flink.runtime.state.changelog.ChangelogStateBackendHandle;
import org.apache.flink.runtime.state.changelog.ChangelogStateHandleStreamImpl;
import org.apache.flink.runtime.state.changelog.inmemory.InMemoryChangelogStateHandle;
import org.apache.flink.runtime.state.filemerging.EmptySegmentFileStateHandle;
import org.apache.flink.runtime.state.filemerging.SegmentFileStateHandle;
import org.apache.flink.runtime.state.filesystem.FileStateHandle;
import org.apache.flink.runtime.state.filesystem.RelativeFileStateHandle;
import org.apache.flink.runtime.state.memory.ByteStreamStateHandle;

/**
 * Collects the files a parsed {@code _metadata} references, walking every operator and subtask state handle
 * explicitly: Flink's own {@code StateObject} traversal ({@code collectSizeStats}) reports sizes, not
 * locations, and a handle type this walk does not know must fail the verification rather than pass unseen.
 */
final class StateHandleWalker {

    private final StoreUri directory;
    private final Map<StoreUri, StateFile> files = new LinkedHashMap<>();
    private final List<String> unknown = new ArrayList<>();
    private int inline;

    StateHandleWalker(StoreUri directory) {
        this.directory = directory;
    }

    void walk(CheckpointMetadata metadata) {
        for (OperatorState operator : metadata.getOperatorStates()) {
            // The coordinator state is a ByteStreamStateHandle: inside _metadata.
            visit(operator.getCoordinatorState());
            for (OperatorSubtaskState subtask : operator.getStates()) {
                visitAll(subtask.getManagedOperatorState());
                visitAll(subtask.getRawOperatorState());
                visitAll(subtask.getManagedKeyedState());
                visitAll(subtask.getRawKeyedState());
                visitAll(subtask.getInputChannelState());
                visitAll(subtask.getResultSubpartitionState());
                visitAll(subtask.getUpstreamOutputBufferState());
            }
        }
        // Master states (MasterState) hold their bytes inline.
    }

    List<StateFile> files() {
        return List.copyOf(files.values());
    }

    /** Class names of handles this walk cannot see into. */
    List<String> unknownHandles() {
        return List.copyOf(unknown);
    }

    int inlineHandles() {
        return inline;
    }

    private void visitAll(Collection<? extends StateObject> handles) {
        for (StateObject handle : handles) {
            visit(handle);
        }
    }

    private void visit(StateObject handle) {
        if (handle == null) {
            return;
        }
        // Wrappers first (KeyGroupsStateHandle is itself a StreamStateHandle), then the leaves.
        if (handle instanceof KeyGroupsStateHandle keyGroups) {
            visit(keyGroups.getDelegateStateHandle());
        } else if (handle instanceof OperatorStreamStateHandle operator) {
            // FileMergingOperatorStreamStateHandle also names its shared and task-owned directories: directories,
            // not files, which its delegate's segment file lies in.
            visit(operator.getDelegateStateHandle());
        } else if (handle instanceof IncrementalRemoteKeyedStateHandle incremental) {
            visit(incremental.getMetaDataStateHandle());
            incremental.getSharedState().stream().map(HandleAndLocalPath::getHandle).forEach(this::visit);
            incremental.getPrivateState().stream().map(HandleAndLocalPath::getHandle).forEach(this::visit);
        } else if (handle instanceof ChangelogStateBackendHandle changelog) {
            changelog.getMaterializedStateHandles().forEach(this::visit);
            changelog.getNonMaterializedStateHandles().forEach(this::visit);
        } else if (handle instanceof ChangelogStateHandleStreamImpl changes) {
            changes.getHandlesAndOffsets().stream().map(t -> t.f0).forEach(this::visit);
        } else if (handle instanceof AbstractChannelStateHandle<?> channel) {
            visit(channel.getDelegate());
        } else if (handle instanceof AbstractMergedChannelStateHandle<?, ?> merged) {
            visit(merged.getDelegate());
        } else if (handle instanceof RelativeFileStateHandle relative) {
            add(directory.resolve(relative.getRelativePath()), true);
        } else if (handle instanceof FileStateHandle file) {
            add(FlinkPaths.location(file.getFilePath()), false);
        } else if (handle instanceof EmptySegmentFileStateHandle) {
            inline++; // an empty segment: no bytes anywhere
        } else if (handle instanceof SegmentFileStateHandle segment) {
            add(FlinkPaths.location(segment.getFilePath()), false);
        } else if (handle instanceof ByteStreamStateHandle || handle instanceof InMemoryChangelogStateHandle) {
            inline++;
        } else {
            unknown.add(handle.getClass().getName());
        }
    }

    private void add(StoreUri uri, boolean relative) {
        files.putIfAbsent(uri, new StateFile(uri, relative));
    }

}
