package dev.laststate.store.file;

import dev.laststate.store.CheckpointStore;
import dev.laststate.store.CheckpointStoreProvider;
import dev.laststate.store.InvalidStoreConfigurationException;
import java.util.Map;
import java.util.Set;

/** Provides {@link FileCheckpointStore} for {@code file:} URIs and bare paths. It takes no options. */
public final class FileCheckpointStoreProvider implements CheckpointStoreProvider {

    @Override
    public String name() {
        return "file";
    }

    @Override
    public Set<String> schemes() {
        return Set.of("file");
    }

    @Override
    public CheckpointStore open(Map<String, String> options, Map<String, String> environment) {
        if (!options.isEmpty()) {
            throw new InvalidStoreConfigurationException("the file store has no options; unknown: "
                    + String.join(", ", options.keySet()));
        }
        return new FileCheckpointStore();
    }
}
