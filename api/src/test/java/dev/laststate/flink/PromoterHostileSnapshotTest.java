package dev.laststate.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.laststate.store.CheckpointStore;
import dev.laststate.store.Listing;
import dev.laststate.store.ObjectContent;
import dev.laststate.store.ObjectInfo;
import dev.laststate.store.StoreException;
import dev.laststate.store.StoreUri;
import dev.laststate.store.WriteCondition;
import dev.laststate.store.file.FileCheckpointStore;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Snapshots an attacker (or a broken tool) left in a local checkpoint directory: none of them may replace
 * the good state the target holds, and none may lead a copy outside the store.
 */
class PromoterHostileSnapshotTest {

    private static final String JOB = "a1b2c3d4e5f60718293a4b5c6d7e8f90";

    @TempDir
    Path temp;

    private Path dir;
    private FileCheckpointStore store;
    private StoreUri checkpoints;
    private Path target;

    @BeforeEach
    void goodStateInPlace() throws Exception {
        dir = temp.toRealPath();
        store = new FileCheckpointStore();
        checkpoints = StoreUri.ofLocalPath(dir.resolve("checkpoints").toString());
        target = dir.resolve("checkpoints").resolve(FlinkLayout.DEFAULT_TARGET);
        checkpoint(2);
        assertThat(new Promoter(store).promote(PromotionRequest.of(checkpoints, JOB)).status()).isEqualTo(PromotionStatus.PROMOTED);
    }

    @AfterEach
    void close() throws Exception {
        store.close();
    }

    private Path checkpoint(long id) throws IOException {
        Path chk = dir.resolve("checkpoints").resolve(JOB).resolve("chk-" + id);
        Files.createDirectories(chk);
        Files.writeString(chk.resolve("state-" + id), "state of " + id);
        Files.write(chk.resolve(FlinkLayout.METADATA), FlinkLayout.metadataHeader(id));
        return chk;
    }

    /** Every file below the target, by relative name, with its bytes' size and time. */
    private Map<String, String> targetFiles() throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> all = Files.walk(target)) {
            for (Path file : all.filter(Files::isRegularFile).toList()) {
                files.put(target.relativize(file).toString(), Files.size(file) + "@" + Files.getLastModifiedTime(file));
            }
        }
        return files;
    }

    @Test
    void aSymbolicLinkInACheckpointIsRefusedNotFollowedIntoTheTarget() throws Exception {
        Path outside = Files.writeString(dir.resolve("secret.txt"), "not state");
        Path chk3 = checkpoint(3);
        Files.createSymbolicLink(chk3.resolve("leak"), outside);
        Map<String, String> before = targetFiles();

        assertThatThrownBy(() -> new Promoter(store).promote(PromotionRequest.of(checkpoints, JOB)))
                .isInstanceOf(UnpromotableSnapshotException.class)
                .hasMessageContaining("'leak'");
        assertThat(targetFiles()).isEqualTo(before);
    }

    @Test
    void aStateFileWithLaststatesReservedPrefixIsRefusedNeverDropped() throws Exception {
        Path chk3 = checkpoint(3);
        Files.writeString(chk3.resolve(".laststate-x"), "state Flink needs");
        Map<String, String> before = targetFiles();

        assertThatThrownBy(() -> new Promoter(store).promote(PromotionRequest.of(checkpoints, JOB)))
                .isInstanceOf(UnpromotableSnapshotException.class)
                .hasMessageContaining(".laststate-x");
        assertThat(targetFiles()).isEqualTo(before);
    }

    @Test
    void aStateFileWhoseNameHoldsANewlineIsRefusedBeforeAnythingIsWritten() throws Exception {
        Path chk3 = checkpoint(3);
        Files.writeString(chk3.resolve("state\nforged"), "state Flink needs");
        Map<String, String> before = targetFiles();

        assertThatThrownBy(() -> new Promoter(store).promote(PromotionRequest.of(checkpoints, JOB)))
                .isInstanceOf(UnpromotableSnapshotException.class)
                .hasMessageContaining("'state\\u000aforged'");
        assertThat(targetFiles()).isEqualTo(before);
    }

    @Test
    void aMetadataLargerThanLaststateReadsIsRefusedWithoutReadingIt() throws Exception {
        Path chk3 = checkpoint(3);
        try (RandomAccessFile metadata = new RandomAccessFile(chk3.resolve(FlinkLayout.METADATA).toFile(), "rw")) {
            metadata.setLength(2_147_483_639L + 1000); // sparse: costs no disk
        }
        Map<String, String> before = targetFiles();

        assertThatThrownBy(() -> new Promoter(store).promote(PromotionRequest.of(checkpoints, JOB)))
                .isInstanceOf(UnpromotableSnapshotException.class)
                .hasMessageContaining("more than the " + Promoter.MAX_METADATA_BYTES);
        assertThat(targetFiles()).isEqualTo(before);
    }

    @Test
    void aMetadataReadCutShortIsNeverCommitted() throws Exception {
        checkpoint(3);
        Map<String, String> before = targetFiles();
        CheckpointStore cutting = new CuttingStore(store);

        assertThatThrownBy(() -> new Promoter(cutting).promote(PromotionRequest.of(checkpoints, JOB)))
                .isInstanceOf(UnpromotableSnapshotException.class)
                .hasMessageContaining("cut short");
        assertThat(targetFiles()).isEqualTo(before);
    }

    @Test
    void aTargetWhoseSubdirectoryIsALinkOutsideReceivesNoWritesAndLosesNothingOutside() throws Exception {
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.writeString(outside.resolve("victim.txt"), "someone else's");
        Files.deleteIfExists(target.resolve(FlinkLayout.PENDING_RECORDS));
        Files.createSymbolicLink(target.resolve(FlinkLayout.PENDING_RECORDS), outside);
        checkpoint(3);

        assertThatThrownBy(() -> new Promoter(store).promote(PromotionRequest.of(checkpoints, JOB)))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("symbolic link");
        try (Stream<Path> left = Files.list(outside)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactly("victim.txt");
        }
    }

    @Test
    void aRecordedNameThroughALinkedSubdirectoryNeverDeletesOutsideTheTarget() throws Exception {
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.writeString(outside.resolve("victim.txt"), "someone else's");
        Files.createSymbolicLink(target.resolve("link"), outside);
        // A record whose generations name link/victim.txt, as a hostile or hand-edited record would.
        StoreUri targetUri = checkpoints.resolve(FlinkLayout.DEFAULT_TARGET);
        LastState state = new LastStateReader(store).read(targetUri).orElseThrow();
        Generation current = state.record().current();
        Generation planted = new Generation(current.jobId(), current.checkpointId(), current.kind(), current.source(),
                current.completedAt(), java.util.List.of("link/victim.txt", FlinkLayout.METADATA, "state-2"));
        PointerRecord hostile = new PointerRecord(PromotionMode.COPY, state.record().promotedAt(), planted,
                Optional.empty(), state.record().metadataVersion());
        store.write(targetUri.resolve(FlinkLayout.POINTER_RECORD), hostile.toJson(), WriteCondition.overwrite());
        checkpoint(3);
        new Promoter(store).promote(PromotionRequest.of(checkpoints, JOB));
        checkpoint(4);

        PromotionResult result = new Promoter(store).promote(PromotionRequest.of(checkpoints, JOB));

        assertThat(result.status()).isEqualTo(PromotionStatus.PROMOTED);
        assertThat(result.warnings()).singleElement().satisfies(w -> assertThat(w).contains("symbolic link"));
        assertThat(outside.resolve("victim.txt")).hasContent("someone else's");
    }

    /** Reads at most half of every whole-object read, as a store answering with a cut-off body would. */
    private record CuttingStore(CheckpointStore delegate) implements CheckpointStore {
        @Override
        public Set<String> schemes() {
            return delegate.schemes();
        }

        @Override
        public Set<dev.laststate.store.Capability> capabilities() {
            return delegate.capabilities();
        }

        @Override
        public Listing list(StoreUri directory) throws StoreException {
            return delegate.list(directory);
        }

        @Override
        public Optional<ObjectInfo> stat(StoreUri uri) throws StoreException {
            return delegate.stat(uri);
        }

        @Override
        public ObjectContent read(StoreUri uri, long maxBytes) throws StoreException {
            ObjectContent content = delegate.read(uri, maxBytes);
            if (!uri.name().equals(FlinkLayout.METADATA) || maxBytes < content.info().size()) {
                return content;
            }
            byte[] half = java.util.Arrays.copyOf(content.bytes(), content.bytes().length / 2);
            return new ObjectContent(content.info(), half);
        }

        @Override
        public ObjectInfo write(StoreUri uri, byte[] bytes, WriteCondition condition) throws StoreException {
            return delegate.write(uri, bytes, condition);
        }

        @Override
        public ObjectInfo copy(ObjectInfo source, StoreUri target) throws StoreException {
            return delegate.copy(source, target);
        }

        @Override
        public void delete(StoreUri uri) throws StoreException {
            delegate.delete(uri);
        }
    }
}
