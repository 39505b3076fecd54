package dev.laststate.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.laststate.store.StoreUri;
import dev.laststate.store.memory.InMemoryCheckpointStore;
import dev.laststate.verify.SnapshotVerifier;
import dev.laststate.verify.Verification;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.core.fs.Path;
import org.apache.flink.runtime.checkpoint.Checkpoints;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.apache.flink.runtime.checkpoint.metadata.MetadataSerializers;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.state.OperatorStreamStateHandle;
import org.apache.flink.runtime.state.filesystem.FileStateHandle;
import org.apache.flink.runtime.state.filesystem.RelativeFileStateHandle;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The TCK's and the command-line tests' {@code _metadata} ({@link CheckpointTree#metadata}) is Flink's own format:
 * byte for byte what Flink's serializer writes for the same checkpoint, and read back by Flink to the same files.
 */
class CheckpointTreeMetadataTest {

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 3, 600})
    void theTreesMetadataIsWhatFlinkWritesAndReads(int files) throws Exception {
        Map<String, Long> state = new LinkedHashMap<>();
        OperatorState operator = new OperatorState(null, null, new OperatorID(
                Long.parseUnsignedLong(CheckpointTree.JOB.substring(16), 16), Long.parseUnsignedLong(CheckpointTree.JOB.substring(0, 16), 16)),
                Math.max(1, files), Math.max(128, files));
        for (int i = 0; i < files; i++) {
            String name = "state-" + i;
            state.put(name, 100L + i);
            operator.putState(i, OperatorSubtaskState.builder().setManagedOperatorState(new OperatorStreamStateHandle(
                    Map.of(), new RelativeFileStateHandle(new Path("/any/" + name), name, 100L + i))).build());
        }
        ByteArrayOutputStream flinks = new ByteArrayOutputStream();
        Checkpoints.storeCheckpointMetadata(new CheckpointMetadata(12, List.of(operator), List.of()), new DataOutputStream(flinks),
                MetadataSerializers.getSerializer(4));

        byte[] trees = CheckpointTree.metadata(CheckpointTree.JOB, 12, state);
        assertThat(trees).isEqualTo(flinks.toByteArray());

        StoreUri dir = StoreUri.parse("memory://bucket/checkpoints/" + CheckpointTree.JOB + "/chk-12");
        Verification read = new SnapshotVerifier(new InMemoryCheckpointStore()).verify(dir, trees);
        assertThat(read.files()).extracting(f -> f.uri().toString())
                .containsExactlyElementsOf(state.keySet().stream().map(n -> dir.resolve(n).toString()).toList());
    }

    @org.junit.jupiter.api.Test
    void aSharedFileIsReferencedByItsAbsoluteLocationAsFlinkWritesIt() throws Exception {
        String shared = "s3://bucket/checkpoints/" + CheckpointTree.JOB + "/shared/000042.sst";
        OperatorState operator = new OperatorState(null, null, new OperatorID(
                Long.parseUnsignedLong(CheckpointTree.JOB.substring(16), 16), Long.parseUnsignedLong(CheckpointTree.JOB.substring(0, 16), 16)),
                2, 128);
        operator.putState(0, OperatorSubtaskState.builder().setManagedOperatorState(new OperatorStreamStateHandle(
                Map.of(), new RelativeFileStateHandle(new Path("/any/own"), "own", 7))).build());
        operator.putState(1, OperatorSubtaskState.builder().setManagedOperatorState(new OperatorStreamStateHandle(
                Map.of(), new FileStateHandle(new Path(shared), 9))).build());
        ByteArrayOutputStream flinks = new ByteArrayOutputStream();
        Checkpoints.storeCheckpointMetadata(new CheckpointMetadata(3, List.of(operator), List.of()), new DataOutputStream(flinks),
                MetadataSerializers.getSerializer(4));
        Map<String, Long> state = new LinkedHashMap<>();
        state.put("own", 7L);
        state.put(shared, 9L);

        assertThat(CheckpointTree.metadata(CheckpointTree.JOB, 3, state)).isEqualTo(flinks.toByteArray());
    }
}
