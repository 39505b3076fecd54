package dev.laststate.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.laststate.flink.FlinkLayout;
import dev.laststate.store.CheckpointStore;
import dev.laststate.store.StoreUri;
import dev.laststate.store.file.FileCheckpointStore;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which job runs is known only to a JobManager: the sources of this module refuse to say, and ask storage nothing. */
class RunningJobTest {

    private static final String JOB = "a1b2c3d4e5f60718293a4b5c6d7e8f90";

    @TempDir
    Path dir;

    @Test
    void aNamedJobIsTheJobToPromote() {
        assertThat(new StaticJobSource(JOB).job().jobId()).isEqualTo(JOB);
    }

    @Test
    void aNamedJobDoesNotTellWhetherItRuns() {
        assertThatThrownBy(() -> new StaticJobSource(JOB).runningJob())
                .isInstanceOf(JobSelectionException.class)
                .hasMessage("StaticJobSource cannot tell which job is running; only a JobManager can");
    }

    @Test
    void aStorageScanFindsTheJobThatCompletedACheckpoint() throws Exception {
        StoreUri checkpoints = checkpointOf(JOB, 3);
        try (FileCheckpointStore store = new FileCheckpointStore()) {
            assertThat(new StorageScanJobSource(store, checkpoints).job().jobId()).isEqualTo(JOB);
        }
    }

    @Test
    void aStorageScanDoesNotTellWhetherThatJobRuns() throws Exception {
        StoreUri checkpoints = checkpointOf(JOB, 3);
        try (FileCheckpointStore store = new FileCheckpointStore()) {
            assertThatThrownBy(() -> new StorageScanJobSource(store, checkpoints).runningJob())
                    .isInstanceOf(JobSelectionException.class)
                    .hasMessage("StorageScanJobSource cannot tell which job is running; only a JobManager can");
        }
    }

    @Test
    void aStorageScanRefusesARunningJobWithoutAskingStorage() {
        // Every call fails: a refusal that listed the checkpoint directory first would fail with this instead.
        CheckpointStore untouchable = (CheckpointStore) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {CheckpointStore.class}, (proxy, method, args) -> {
                    throw new AssertionError("asked storage: " + method.getName());
                });
        StoreUri checkpoints = StoreUri.parse(dir.toString());

        assertThatThrownBy(() -> new StorageScanJobSource(untouchable, checkpoints).runningJob())
                .isInstanceOf(JobSelectionException.class);
    }

    /** A checkpoint directory holding one complete checkpoint {@code id} of {@code job}. */
    private StoreUri checkpointOf(String job, long id) throws Exception {
        Path chk = Files.createDirectories(dir.resolve(job).resolve("chk-" + id));
        Files.writeString(chk.resolve("state-" + id), "state of " + id);
        Files.write(chk.resolve(FlinkLayout.METADATA), FlinkLayout.metadataHeader(id));
        return StoreUri.parse(dir.toString());
    }
}
