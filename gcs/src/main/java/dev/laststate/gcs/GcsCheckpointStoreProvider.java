package dev.laststate.gcs;

import com.google.auth.oauth2.GoogleCredentials;
import com.google.cloud.NoCredentials;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;
import dev.laststate.store.CheckpointStore;
import dev.laststate.store.CheckpointStoreProvider;
import dev.laststate.store.StoreAccessDeniedException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Provides the Google Cloud Storage store for {@code gs://bucket/path} locations. Options are those of
 * {@link GcsStoreConfig} ({@code gcs.endpoint}, {@code gcs.project}); credentials come from Application Default
 * Credentials, and {@code STORAGE_EMULATOR_HOST} points the store at an emulator without credentials. Variables
 * are read only from the environment given to {@link #open}, never from the process.
 */
public final class GcsCheckpointStoreProvider implements CheckpointStoreProvider {

    static final String SCHEME = "gs";

    @Override
    public String name() {
        return "gcs";
    }

    @Override
    public Set<String> schemes() {
        return Set.of(SCHEME);
    }

    @Override
    public CheckpointStore open(Map<String, String> options, Map<String, String> environment) {
        return Client.open(GcsStoreConfig.fromOptions(options, environment));
    }

    /**
     * Everything that touches the SDK, in a class of its own: verifying {@code open} would otherwise load the
     * SDK's options and credential classes when {@link java.util.ServiceLoader} instantiates this provider,
     * for every scheme (measured: 8 classes of google-cloud-storage loaded by a local promotion).
     */
    private static final class Client {

        private Client() {}

        static CheckpointStore open(GcsStoreConfig config) {
            StorageOptions.Builder builder = GcsCheckpointStore.clientOptions();
            config.endpoint().ifPresent(endpoint -> builder.setHost(endpoint.toString()));
            config.project().ifPresent(builder::setProjectId);
            if (config.emulator()) {
                builder.setCredentials(NoCredentials.getInstance());
                if (config.project().isEmpty()) {
                    // An emulator needs no project; naming one keeps the client from looking for a default.
                    builder.setProjectId("laststate-emulator");
                }
                Storage storage = builder.build().getService();
                return new GcsCheckpointStore(uri -> storage, Optional.empty());
            }
            GoogleCredentials credentials;
            try {
                credentials = credentials(config);
            } catch (IOException e) {
                // Reported with the first operation's location, as every store failure is.
                String problem = config.credentialsFile()
                        .map(file -> "cannot read the service-account key file " + file + " that " + GcsStoreConfig.CREDENTIALS_VARIABLE
                                + " names (" + e.getMessage() + ")")
                        .orElse("no Google credentials found (set " + GcsStoreConfig.CREDENTIALS_VARIABLE + " to a service-account key "
                                + "file, run 'gcloud auth application-default login', or run with a workload identity)");
                return new GcsCheckpointStore(uri -> {
                    throw new StoreAccessDeniedException(uri, "cannot access " + uri + ": " + problem, e);
                }, Optional.empty());
            }
            Storage storage = builder.setCredentials(credentials).build().getService();
            return new GcsCheckpointStore(uri -> storage, Optional.empty());
        }

        /**
         * The key file named in the environment given, or else the rest of Application Default Credentials
         * (gcloud's well-known file, the metadata server of a workload identity).
         */
        private static GoogleCredentials credentials(GcsStoreConfig config) throws IOException {
            if (config.credentialsFile().isPresent()) {
                try (InputStream key = Files.newInputStream(config.credentialsFile().get())) {
                    return GoogleCredentials.fromStream(key);
                }
            }
            return GoogleCredentials.getApplicationDefault();
        }
    }
}
