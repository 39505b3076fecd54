package dev.laststate.gcs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.laststate.store.Capability;
import dev.laststate.store.CheckpointStore;
import dev.laststate.store.CheckpointStores;
import dev.laststate.store.InvalidStoreConfigurationException;
import dev.laststate.store.StoreAccessDeniedException;
import dev.laststate.store.StoreUri;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GcsCheckpointStoreProviderTest {

    @Test
    void theProviderIsFoundForTheGsScheme() {
        CheckpointStores stores = CheckpointStores.load();

        assertThat(stores.schemes()).contains("gs");
        assertThat(stores.provider("gs")).isInstanceOf(GcsCheckpointStoreProvider.class);
        assertThat(stores.provider("gs").name()).isEqualTo("gcs");
    }

    @Test
    void unknownGcsOptionsAreRejectedWhenOpening() {
        assertThatThrownBy(() -> CheckpointStores.load().open(StoreUri.parse("gs://bucket/x"), Map.of("gcs.region", "eu"), Map.of()))
                .isInstanceOf(InvalidStoreConfigurationException.class).hasMessageContaining("gcs.region");
    }

    @Test
    void aKeyFileNamedInTheEnvironmentGivenIsReadAndAnUnreadableOneIsAccessDeniedNamingIt(@TempDir Path directory)
            throws Exception {
        Path missing = directory.resolve("missing-key.json");
        try (CheckpointStore store = new GcsCheckpointStoreProvider().open(Map.of(),
                Map.of("GOOGLE_APPLICATION_CREDENTIALS", missing.toString()))) {
            assertThatThrownBy(() -> store.stat(StoreUri.parse("gs://bucket/x")))
                    .isInstanceOf(StoreAccessDeniedException.class)
                    .hasMessageContaining(missing.toString()).hasMessageContaining("GOOGLE_APPLICATION_CREDENTIALS");
        }
    }

    @Test
    void anEmulatorStoreOpensWithoutCredentialsAndDeclaresEveryCapability() throws Exception {
        try (CheckpointStore store = new GcsCheckpointStoreProvider().open(Map.of(),
                Map.of("STORAGE_EMULATOR_HOST", "127.0.0.1:1"))) {
            assertThat(store.schemes()).containsExactly("gs");
            assertThat(store.capabilities()).containsExactlyInAnyOrder(Capability.CONDITIONAL_CREATE, Capability.CONDITIONAL_REPLACE,
                    Capability.SERVER_SIDE_COPY, Capability.BOUNDED_STREAMS);
        }
    }
}
