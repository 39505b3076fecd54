package dev.laststate.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.laststate.store.file.FileCheckpointStore;
import dev.laststate.store.file.FileCheckpointStoreProvider;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class CheckpointStoresTest {

    /** A provider that remembers the options it was opened with. */
    private record FakeProvider(String name, Set<String> schemes, AtomicReference<Map<String, String>> opened)
            implements CheckpointStoreProvider {
        FakeProvider(String name, Set<String> schemes) {
            this(name, schemes, new AtomicReference<>());
        }

        @Override
        public CheckpointStore open(Map<String, String> options, Map<String, String> environment) {
            opened.set(options);
            return new FileCheckpointStore();
        }
    }

    @Test
    void serviceLoaderFindsTheEmbeddedFileStore() throws Exception {
        CheckpointStores stores = CheckpointStores.load();

        assertThat(stores.schemes()).contains("file");
        try (CheckpointStore store = stores.open(StoreUri.parse("/tmp"), Map.of(), Map.of())) {
            assertThat(store).isInstanceOf(FileCheckpointStore.class);
        }
    }

    @Test
    void aliasesOfOneProviderShareIt() {
        FakeProvider s3 = new FakeProvider("s3", Set.of("s3", "s3a"));
        CheckpointStores stores = CheckpointStores.of(List.of(s3));

        assertThat(stores.provider("s3")).isSameAs(stores.provider("s3a"));
    }

    @Test
    void twoProvidersForOneSchemeAreAnError() {
        assertThatThrownBy(() -> CheckpointStores.of(List.of(new FakeProvider("a", Set.of("s3")), new FakeProvider("b", Set.of("s3")))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'s3'");
    }

    @Test
    void anUnknownSchemeNamesTheModuleToAdd() {
        CheckpointStores stores = CheckpointStores.of(List.of(new FileCheckpointStoreProvider()));

        assertThatThrownBy(() -> stores.provider("gs"))
                .isInstanceOf(InvalidStoreUriException.class)
                .hasMessageContaining("dev.laststate:laststate-gcs");
        assertThatThrownBy(() -> stores.provider("ftp"))
                .isInstanceOf(InvalidStoreUriException.class)
                .hasMessageContaining("no module serves it");
    }

    @Test
    void eachProviderGetsOnlyItsOwnOptions() throws Exception {
        FakeProvider s3 = new FakeProvider("s3", Set.of("s3"));
        FakeProvider gcs = new FakeProvider("gcs", Set.of("gs"));
        CheckpointStores stores = CheckpointStores.of(List.of(s3, gcs));

        stores.open(StoreUri.parse("s3://b/x"), Map.of("s3.endpoint", "http://127.0.0.1:9000", "gcs.project", "p"), Map.of());

        assertThat(s3.opened().get()).containsExactly(Map.entry("s3.endpoint", "http://127.0.0.1:9000"));
    }

    @Test
    void optionsOfNoInstalledStoreAreRejected() {
        CheckpointStores stores = CheckpointStores.of(List.of(new FileCheckpointStoreProvider()));

        assertThatThrownBy(() -> stores.open(StoreUri.parse("/tmp"), Map.of("s3.endpoint", "x"), Map.of()))
                .isInstanceOf(InvalidStoreConfigurationException.class)
                .hasMessageContaining("s3.endpoint");
        assertThatThrownBy(() -> stores.open(StoreUri.parse("/tmp"), Map.of("endpoint", "x"), Map.of()))
                .isInstanceOf(InvalidStoreConfigurationException.class);
        assertThatThrownBy(() -> stores.open(StoreUri.parse("/tmp"), Map.of("file.anything", "x"), Map.of()))
                .isInstanceOf(InvalidStoreConfigurationException.class)
                .hasMessageContaining("file.anything");
    }
}
