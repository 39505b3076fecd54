package dev.laststate.examples.demo;

import dev.laststate.store.CheckpointStoreProvider;
import java.util.Map;
import java.util.Set;

/**
 * Opens {@link DemoCheckpointStore}s for {@code mem+demo://} URIs. Found by {@link java.util.ServiceLoader}
 * through {@code META-INF/services/dev.laststate.store.CheckpointStoreProvider}; its name {@code demo} is also
 * its option namespace ({@value DemoStoreConfig#CONTAINERS}).
 */
public final class DemoCheckpointStoreProvider implements CheckpointStoreProvider {

    @Override
    public String name() {
        return "demo";
    }

    @Override
    public Set<String> schemes() {
        return Set.of(DemoCheckpointStore.SCHEME);
    }

    /**
     * A new, empty store with the containers the options name: the objects live as long as the instance.
     * A real backend reads its credentials and endpoints from {@code environment} here, never from
     * {@link System#getenv()}; the demo needs none.
     */
    @Override
    public DemoCheckpointStore open(Map<String, String> options, Map<String, String> environment) {
        return new DemoCheckpointStore(DemoStoreConfig.fromOptions(options));
    }
}
