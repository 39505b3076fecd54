package dev.laststate.tck;

import static dev.laststate.tck.CheckpointTree.JOB;
import static org.assertj.core.api.Assertions.assertThat;

import dev.laststate.flink.PromotionRequest;
import dev.laststate.flink.PromotionStatus;
import dev.laststate.flink.Promoter;
import dev.laststate.job.StorageScanJobSource;
import dev.laststate.store.CheckpointStore;
import dev.laststate.store.StoreUri;
import dev.laststate.store.file.FileCheckpointStore;
import dev.laststate.store.memory.InMemoryCheckpointStore;
import dev.laststate.tck.RecordingCheckpointStore.Call;
import dev.laststate.tck.RecordingCheckpointStore.Operation;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The number of store calls made to find the job, select its snapshot and promote it does not depend on
 * how many files {@code shared/} holds: 10 and 10,000 give the same count of every operation, and no call
 * touches {@code shared/}. A behaviour test: it counts calls, it does not time them.
 */
class PromotionCostTest {

    @TempDir
    Path temp;

    @Test
    void inMemoryCallCountsDoNotGrowWithSharedFiles() throws Exception {
        CheckpointStore store = new InMemoryCheckpointStore();
        assertThat(callsToScanAndPromote(store, StoreUri.parse("memory://cost/many"), 10_000))
                .isEqualTo(callsToScanAndPromote(store, StoreUri.parse("memory://cost/few"), 10));
    }

    @Test
    void fileStoreCallCountsDoNotGrowWithSharedFiles() throws Exception {
        CheckpointStore store = new FileCheckpointStore();
        assertThat(callsToScanAndPromote(store, StoreUri.ofLocalPath(temp.resolve("many").toString()), 10_000))
                .isEqualTo(callsToScanAndPromote(store, StoreUri.ofLocalPath(temp.resolve("few").toString()), 10));
    }

    private static Map<Operation, Long> callsToScanAndPromote(CheckpointStore store, StoreUri checkpoints, int sharedFiles)
            throws Exception {
        CheckpointTree tree = new CheckpointTree(store, checkpoints);
        tree.checkpoint(JOB, 41, 4);
        tree.checkpoint(JOB, 42, 4);
        tree.incompleteCheckpoint(JOB, 43, 2);
        tree.sharedFiles(JOB, sharedFiles);
        RecordingCheckpointStore recording = new RecordingCheckpointStore(store);

        String jobId = new StorageScanJobSource(recording, checkpoints).job().jobId();
        assertThat(new Promoter(recording).promote(PromotionRequest.of(checkpoints, jobId)).status())
                .isEqualTo(PromotionStatus.PROMOTED);

        StoreUri shared = tree.jobDir(JOB).resolve("shared");
        assertThat(recording.calls()).extracting(Call::uri).noneMatch(shared::contains);
        Map<Operation, Long> counts = new EnumMap<>(Operation.class);
        for (Operation operation : Operation.values()) {
            counts.put(operation, recording.count(operation));
        }
        return counts;
    }
}
