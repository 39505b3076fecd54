package dev.laststate.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.laststate.store.CheckpointStore;
import dev.laststate.store.CheckpointStores;
import dev.laststate.store.ContainerNotFoundException;
import dev.laststate.store.InvalidStoreConfigurationException;
import dev.laststate.store.StoreUri;
import dev.laststate.store.WriteCondition;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The demo's provider as laststate finds it: through {@link CheckpointStores#load()} and its service file. */
class DemoCheckpointStoreProviderTest {

    @Test
    void theRegistryFindsTheProviderForItsScheme() {
        CheckpointStores stores = CheckpointStores.load();

        assertThat(stores.schemes()).contains("mem+demo", "file");
        assertThat(stores.provider("mem+demo")).isInstanceOf(DemoCheckpointStoreProvider.class);
    }

    @Test
    void aStoreOpenedThroughTheRegistryServesItsContainers() throws Exception {
        StoreUri checkpoints = StoreUri.parse("mem+demo://flink/checkpoints");

        try (CheckpointStore store = CheckpointStores.load().open(checkpoints,
                Map.of(DemoStoreConfig.CONTAINERS, "flink, backups"), Map.of())) {
            StoreUri object = checkpoints.resolve("job/chk-1/_metadata");
            store.write(object, "m".getBytes(StandardCharsets.UTF_8), WriteCondition.ifAbsent());

            assertThat(store).isInstanceOf(DemoCheckpointStore.class);
            assertThat(store.read(object).bytes()).asString(StandardCharsets.UTF_8).isEqualTo("m");
            assertThat(store.list(StoreUri.parse("mem+demo://backups/")).isEmpty()).isTrue();
            assertThatThrownBy(() -> store.list(StoreUri.parse("mem+demo://elsewhere/checkpoints")))
                    .isInstanceOf(ContainerNotFoundException.class).hasMessageContaining("flink");
        }
    }

    @Test
    void withoutOptionsTheStoreHasTheDefaultContainer() throws Exception {
        try (CheckpointStore store = CheckpointStores.load().open(StoreUri.parse("mem+demo://demo/x"), Map.of(), Map.of())) {
            assertThat(store.list(StoreUri.parse("mem+demo://demo/x")).isEmpty()).isTrue();
        }
    }

    @Test
    void anUnknownOptionOrABadContainerNameIsRefusedWhenTheStoreOpens() {
        StoreUri uri = StoreUri.parse("mem+demo://demo/x");

        assertThatThrownBy(() -> CheckpointStores.load().open(uri, Map.of("demo.endpoint", "http://127.0.0.1:1"), Map.of()))
                .isInstanceOf(InvalidStoreConfigurationException.class).hasMessageContaining("demo.endpoint");
        assertThatThrownBy(() -> CheckpointStores.load().open(uri, Map.of(DemoStoreConfig.CONTAINERS, "a,,b"), Map.of()))
                .isInstanceOf(InvalidStoreConfigurationException.class);
        assertThatThrownBy(() -> CheckpointStores.load().open(uri, Map.of(DemoStoreConfig.CONTAINERS, "Upper"), Map.of()))
                .isInstanceOf(InvalidStoreConfigurationException.class).hasMessageContaining("Upper");
    }
}
