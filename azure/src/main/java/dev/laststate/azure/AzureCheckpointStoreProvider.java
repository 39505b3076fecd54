package dev.laststate.azure;

import dev.laststate.store.CheckpointStore;
import dev.laststate.store.CheckpointStoreProvider;
import java.util.Map;
import java.util.Set;

/**
 * Provides the Azure Blob store for {@code abfs}, {@code abfss}, {@code wasb} and {@code wasbs} locations.
 * Options: {@link AzureStoreConfig}. Credentials, from the environment, in this order:
 * {@code AZURE_STORAGE_CONNECTION_STRING}, {@code AZURE_STORAGE_SAS_TOKEN}, {@code AZURE_STORAGE_KEY},
 * else {@code DefaultAzureCredential}.
 */
public final class AzureCheckpointStoreProvider implements CheckpointStoreProvider {

    @Override
    public String name() {
        return "azure";
    }

    @Override
    public Set<String> schemes() {
        return AzureLocation.SCHEMES;
    }

    @Override
    public CheckpointStore open(Map<String, String> options, Map<String, String> environment) {
        return new AzureCheckpointStore(AzureStoreConfig.fromOptions(options), AzureCredentials.fromEnvironment(environment));
    }
}
