package dev.laststate.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.laststate.store.StoreUri;
import dev.laststate.store.file.FileCheckpointStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JobManager's lower bound and a named snapshot (a savepoint just taken), with the guards that still apply. */
class PromoterBoundsTest {

    private static final String JOB = "a1b2c3d4e5f60718293a4b5c6d7e8f90";

    @TempDir
    Path dir;

    private FileCheckpointStore store;
    private StoreUri checkpoints;

    @BeforeEach
    void open() {
        store = new FileCheckpointStore();
        checkpoints = StoreUri.parse(dir.resolve("checkpoints").toString());
    }

    @AfterEach
    void close() throws Exception {
        store.close();
    }

    private Path snapshot(Path directory, long id) throws IOException {
        Files.createDirectories(directory);
        Files.writeString(directory.resolve("state-" + id), "state of " + id);
        Files.write(directory.resolve(FlinkLayout.METADATA), FlinkLayout.metadataHeader(id));
        return directory;
    }

    private Path checkpoint(long id) throws IOException {
        return snapshot(dir.resolve("checkpoints").resolve(JOB).resolve("chk-" + id), id);
    }

    @Test
    void storageNewerThanTheJobManagerReportsWins() throws Exception {
        checkpoint(12);
        checkpoint(15);
        PromotionResult result = new Promoter(store).promote(PromotionRequest.builder(checkpoints, JOB).minCheckpointId(OptionalLong.of(13)).build());
        assertThat(result.status()).isEqualTo(PromotionStatus.PROMOTED);
        assertThat(result.snapshot().checkpointId()).hasValue(15);
    }

    @Test
    void storageOlderThanTheJobManagerReportsIsAnErrorNotAnOlderPromotion() throws Exception {
        checkpoint(12);
        assertThatThrownBy(() -> new Promoter(store).promote(PromotionRequest.builder(checkpoints, JOB).minCheckpointId(OptionalLong.of(14)).build()))
                .isInstanceOf(NothingToPromoteException.class)
                .hasMessageContaining("the JobManager reports checkpoint 14 of job " + JOB)
                .hasMessageContaining("checkpoint 12");
        assertThat(dir.resolve("checkpoints").resolve(FlinkLayout.DEFAULT_TARGET)).doesNotExist();
    }

    @Test
    void aNamedSavepointIsPromotedWholeEvenWhenANewerCheckpointExists() throws Exception {
        checkpoint(20);
        Path savepoint = snapshot(dir.resolve("savepoints").resolve("savepoint-a1b2c3-0123456789ab"), 18);
        PromotionResult result = new Promoter(store).promote(PromotionRequest.of(checkpoints, JOB)
                .toBuilder().snapshot(Optional.of(StoreUri.parse(savepoint.toString()))).build());
        assertThat(result.status()).isEqualTo(PromotionStatus.PROMOTED);
        assertThat(result.snapshot().kind()).isEqualTo(SnapshotKind.SAVEPOINT);
        assertThat(result.snapshot().checkpointId()).hasValue(18);
        Path target = dir.resolve("checkpoints").resolve(FlinkLayout.DEFAULT_TARGET);
        assertThat(target.resolve("state-18")).hasContent("state of 18");
        assertThat(target.resolve(FlinkLayout.METADATA)).exists();
    }

    @Test
    void aNamedSnapshotOlderThanTheTargetIsRefused() throws Exception {
        checkpoint(20);
        new Promoter(store).promote(PromotionRequest.of(checkpoints, JOB));
        Path savepoint = snapshot(dir.resolve("savepoints").resolve("savepoint-a1b2c3-0123456789ab"), 18);
        PromotionResult result = new Promoter(store).promote(PromotionRequest.of(checkpoints, JOB)
                .toBuilder().snapshot(Optional.of(StoreUri.parse(savepoint.toString()))).build());
        assertThat(result.status()).isEqualTo(PromotionStatus.REFUSED);
        assertThat(result.reason()).hasValueSatisfying(r -> assertThat(r).contains("savepoint 18").contains("is older than checkpoint 20"));
    }

    @Test
    void aNamedDirectoryWithoutMetadataIsNothingToPromote() throws IOException {
        Path empty = Files.createDirectories(dir.resolve("savepoints").resolve("savepoint-a1b2c3-0123456789ab"));
        assertThatThrownBy(() -> new Promoter(store).promote(PromotionRequest.of(checkpoints, JOB)
                .toBuilder().snapshot(Optional.of(StoreUri.parse(empty.toString()))).build()))
                .isInstanceOf(NothingToPromoteException.class).hasMessageContaining("holds no _metadata");
    }
}
