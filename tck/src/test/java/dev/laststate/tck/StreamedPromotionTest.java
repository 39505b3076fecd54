package dev.laststate.tck;

import static dev.laststate.tck.CheckpointTree.JOB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.laststate.flink.FlinkLayout;
import dev.laststate.flink.Promoter;
import dev.laststate.flink.PromotionRequest;
import dev.laststate.flink.PromotionStatus;
import dev.laststate.flink.Relocation;
import dev.laststate.flink.SnapshotRelocator;
import dev.laststate.flink.StateCopy;
import dev.laststate.flink.UnpromotableSnapshotException;
import dev.laststate.store.Capability;
import dev.laststate.store.CheckpointStore;
import dev.laststate.store.StoreUri;
import dev.laststate.store.WriteCondition;
import dev.laststate.store.file.FileCheckpointStore;
import dev.laststate.store.memory.InMemoryCheckpointStore;
import dev.laststate.tck.RecordingCheckpointStore.Call;
import dev.laststate.tck.RecordingCheckpointStore.Operation;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the promoter streams: the segments of one file-merging physical file come out of one streamed read (another
 * only where two overlap); between two stores that stream in bounded memory a file of any size is copied, and between
 * stores that pass streams through memory one over {@link Promoter#MAX_STREAMED_FILE_BYTES} is refused before anything
 * is written. A relocator that names the pieces stands in for Flink's, so the ranges are exactly the test's.
 */
class StreamedPromotionTest {

    @TempDir
    Path temp;

    /** Names the given pieces and keeps the {@code _metadata} as it is. */
    private record PiecesRelocator(List<StateCopy> pieces) implements SnapshotRelocator {
        @Override
        public Relocation relocate(StoreUri snapshot, byte[] metadata) {
            return new Relocation(pieces, metadata);
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void theSegmentsOfOnePhysicalFileComeOutOfOneStreamedReadAndOverlappingOnesOutOfAnother() throws Exception {
        CheckpointStore store = new FileCheckpointStore();
        StoreUri checkpoints = StoreUri.ofLocalPath(temp.resolve("checkpoints").toString());
        CheckpointTree tree = new CheckpointTree(store, checkpoints);
        tree.checkpoint(JOB, 7, 1);
        StoreUri physical = tree.jobDir(JOB).resolve("taskowned/merged-file");
        store.write(physical, utf8("0123456789abcdefghijklmnopqrstuvwxyz"), WriteCondition.overwrite());
        StateCopy late = StateCopy.segment(physical, 30, 6);
        StateCopy first = StateCopy.segment(physical, 0, 4);
        StateCopy middle = StateCopy.segment(physical, 10, 5);
        StateCopy overlapping = StateCopy.segment(physical, 12, 6);
        RecordingCheckpointStore recording = new RecordingCheckpointStore(store);

        var result = new Promoter(recording).withRelocator(new PiecesRelocator(List.of(late, first, middle, overlapping)))
                .promote(PromotionRequest.of(checkpoints, JOB));

        assertThat(result.status()).isEqualTo(PromotionStatus.PROMOTED);
        assertThat(recording.calls()).filteredOn(call -> call.uri().equals(physical)).extracting(Call::operation)
                .as("one read for 0-4, 10-15 and 30-36, another for 12-18").containsExactly(Operation.READ, Operation.READ);
        StoreUri target = tree.lastState();
        assertThat(store.read(target.resolve(first.name())).bytes()).isEqualTo(utf8("0123"));
        assertThat(store.read(target.resolve(middle.name())).bytes()).isEqualTo(utf8("abcde"));
        assertThat(store.read(target.resolve(overlapping.name())).bytes()).isEqualTo(utf8("cdefgh"));
        assertThat(store.read(target.resolve(late.name())).bytes()).isEqualTo(utf8("uvwxyz"));
    }

    @Test
    void betweenStoresThatStreamInBoundedMemoryAFileOverTheInMemoryBoundIsCopied() throws Exception {
        CheckpointStore source = new FileCheckpointStore();
        CheckpointStore target = new FileCheckpointStore();
        assertThat(source.capabilities()).contains(Capability.BOUNDED_STREAMS);
        StoreUri checkpoints = StoreUri.ofLocalPath(temp.resolve("checkpoints").toString());
        CheckpointTree tree = new CheckpointTree(source, checkpoints);
        tree.checkpoint(JOB, 7, 1);
        Path big = temp.resolve("checkpoints").resolve(JOB).resolve("shared/big.sst");
        Files.createDirectories(big.getParent());
        long size = Promoter.MAX_STREAMED_FILE_BYTES + 3;
        try (RandomAccessFile file = new RandomAccessFile(big.toFile(), "rw")) {
            file.setLength(size); // sparse: zeros
            file.seek(size - 3);
            file.write(utf8("end"));
        }
        StoreUri bigUri = tree.jobDir(JOB).resolve("shared/big.sst");
        StateCopy copy = StateCopy.wholeFile(bigUri, size);
        StoreUri lastState = StoreUri.ofLocalPath(temp.resolve("elsewhere/last-state").toString());

        var result = new Promoter(source).withTargetStore(target).withRelocator(new PiecesRelocator(List.of(copy)))
                .promote(PromotionRequest.builder(checkpoints, JOB).target(lastState).acrossStores(true).build());

        assertThat(result.status()).isEqualTo(PromotionStatus.PROMOTED);
        StoreUri copied = lastState.resolve(copy.name());
        assertThat(target.stat(copied)).hasValueSatisfying(info -> assertThat(info.size()).isEqualTo(size));
        try (InputStream tail = target.readStream(copied, Optional.empty(), size - 3, 3)) {
            assertThat(tail.readAllBytes()).isEqualTo(utf8("end"));
        }
    }

    @Test
    void betweenStoresThatPassStreamsThroughMemoryAFileOverTheBoundIsRefusedBeforeAnythingIsWritten() throws Exception {
        Set<Capability> withoutStreams = Set.of(Capability.CONDITIONAL_CREATE, Capability.CONDITIONAL_REPLACE);
        CheckpointStore source = InMemoryCheckpointStore.withCapabilities(withoutStreams);
        CheckpointStore target = new InMemoryCheckpointStore();
        StoreUri checkpoints = StoreUri.parse("memory://bucket/checkpoints");
        CheckpointTree tree = new CheckpointTree(source, checkpoints);
        tree.checkpoint(JOB, 7, 1);
        StoreUri big = tree.sharedFile(JOB, "big.sst", "its size is claimed, not held");
        StoreUri lastState = StoreUri.parse("memory://other/" + FlinkLayout.DEFAULT_TARGET);
        StateCopy copy = StateCopy.wholeFile(big, Promoter.MAX_STREAMED_FILE_BYTES + 1);

        assertThatThrownBy(() -> new Promoter(source).withTargetStore(target).withRelocator(new PiecesRelocator(List.of(copy)))
                .promote(PromotionRequest.builder(checkpoints, JOB).target(lastState).acrossStores(true).build()))
                .isInstanceOf(UnpromotableSnapshotException.class)
                .hasMessageContaining(big.toString()).hasMessageContaining("does not stream in bounded memory");
        assertThat(target.list(lastState).objects()).isEmpty();
    }
}
