package dev.laststate.tck;

import static dev.laststate.tck.CheckpointTree.JOB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.laststate.flink.FlinkLayout;
import dev.laststate.flink.PromotionRequest;
import dev.laststate.flink.Promoter;
import dev.laststate.store.ContainerNotFoundException;
import dev.laststate.store.StoreException;
import dev.laststate.store.StoreUnavailableException;
import dev.laststate.store.StoreUri;
import dev.laststate.store.memory.InMemoryCheckpointStore;
import dev.laststate.tck.RecordingCheckpointStore.Operation;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Store failures during a promotion surface as the store's typed error, once, and commit nothing. */
class PromoterFailureTest {

    private final InMemoryCheckpointStore store = new InMemoryCheckpointStore();
    private final StoreUri root = StoreUri.parse("memory://failures/cp");
    private final StoreUri target = root.resolve(FlinkLayout.DEFAULT_TARGET);

    @BeforeEach
    void aCompleteCheckpoint() throws Exception {
        new CheckpointTree(store, root).checkpoint(JOB, 3, 2);
    }

    /** The store, recorded, failing every call of {@code operation} as {@code failure} says for its location. */
    private RecordingCheckpointStore failingEvery(Operation operation, Function<StoreUri, StoreException> failure) {
        return new RecordingCheckpointStore(store).onCall(call -> {
            if (call.operation() == operation) {
                throw failure.apply(call.uri());
            }
        });
    }

    private void promote(RecordingCheckpointStore recording) throws Exception {
        new Promoter(recording).promote(PromotionRequest.of(root, JOB));
    }

    @Test
    void aMissingBucketDuringTheCopyFailsAtOnceInsteadOfRetrying() {
        RecordingCheckpointStore recording = failingEvery(Operation.COPY, uri -> new ContainerNotFoundException(uri, "bucket gone", null));

        assertThatThrownBy(() -> promote(recording))
                .isInstanceOf(ContainerNotFoundException.class);
        assertThat(recording.calls()).filteredOn(c -> c.operation() == Operation.LIST && c.uri().equals(root.resolve(JOB)))
                .as("selected once, not retried").hasSize(1);
        assertThat(store.stat(target.resolve(FlinkLayout.METADATA))).isEmpty();
    }

    @Test
    void anUnavailableStoreAtTheCommitLeavesNoRecord() throws Exception {
        RecordingCheckpointStore recording = failingEvery(Operation.WRITE, uri -> new StoreUnavailableException(uri, "503 slow down", null));

        assertThatThrownBy(() -> promote(recording))
                .isInstanceOf(StoreUnavailableException.class)
                .satisfies(e -> assertThat(((StoreUnavailableException) e).retryable()).isTrue());
        assertThat(store.stat(target.resolve(FlinkLayout.METADATA))).isEmpty();
        assertThat(store.stat(target.resolve(FlinkLayout.POINTER_RECORD))).isEmpty();
    }
}
