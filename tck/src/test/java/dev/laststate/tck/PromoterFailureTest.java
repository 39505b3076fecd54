package dev.laststate.tck;

import static dev.laststate.tck.CheckpointTree.JOB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.laststate.flink.FlinkLayout;
import dev.laststate.flink.PromotionRequest;
import dev.laststate.flink.Promoter;
import dev.laststate.store.ContainerNotFoundException;
import dev.laststate.store.StoreUnavailableException;
import dev.laststate.store.StoreUri;
import dev.laststate.store.memory.InMemoryCheckpointStore;
import dev.laststate.tck.RecordingCheckpointStore.Operation;
import org.junit.jupiter.api.Test;

/** Store failures during a promotion surface as the store's typed error, once, and commit nothing. */
class PromoterFailureTest {

    private final InMemoryCheckpointStore store = new InMemoryCheckpointStore();
    private final StoreUri root = StoreUri.parse("memory://failures/cp");
    private final StoreUri target = root.resolve(FlinkLayout.DEFAULT_TARGET);

    @Test
    void aMissingBucketDuringTheCopyFailsAtOnceInsteadOfRetrying() throws Exception {
        new CheckpointTree(store, root).checkpoint(JOB, 3, 2);
        RecordingCheckpointStore recording = new RecordingCheckpointStore(store).onCall(call -> {
            if (call.operation() == Operation.COPY) {
                throw new ContainerNotFoundException(call.uri(), "bucket gone", null);
            }
        });

        assertThatThrownBy(() -> new Promoter(recording).promote(PromotionRequest.of(root, JOB)))
                .isInstanceOf(ContainerNotFoundException.class);
        assertThat(recording.calls()).filteredOn(c -> c.operation() == Operation.LIST && c.uri().equals(root.resolve(JOB)))
                .as("selected once, not retried").hasSize(1);
        assertThat(store.stat(target.resolve(FlinkLayout.METADATA))).isEmpty();
    }

    @Test
    void anUnavailableStoreAtTheCommitLeavesNoRecord() throws Exception {
        new CheckpointTree(store, root).checkpoint(JOB, 3, 2);
        RecordingCheckpointStore recording = new RecordingCheckpointStore(store).onCall(call -> {
            if (call.operation() == Operation.WRITE) {
                throw new StoreUnavailableException(call.uri(), "503 slow down", null);
            }
        });

        assertThatThrownBy(() -> new Promoter(recording).promote(PromotionRequest.of(root, JOB)))
                .isInstanceOf(StoreUnavailableException.class)
                .satisfies(e -> assertThat(((StoreUnavailableException) e).retryable()).isTrue());
        assertThat(store.stat(target.resolve(FlinkLayout.METADATA))).isEmpty();
        assertThat(store.stat(target.resolve(FlinkLayout.POINTER_RECORD))).isEmpty();
    }
}
