package dev.laststate.gcs;

import com.google.auth.oauth2.GoogleCredentials;
import com.google.cloud.NoCredentials;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;
import dev.laststate.store.CheckpointStore;
import dev.laststate.store.CheckpointStoreProvider;
import dev.laststate.store.StoreAccessDeniedException;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Provides the Google Cloud Storage store for {@code gs://bucket/path} locations. Options are those of
 * {@link GcsConfig} ({@code gcs.endpoint}, {@code gcs.project}); credentials come from Application Default
 * Credentials, and {@code STORAGE_EMULATOR_HOST} points the store at an emulator without credentials.
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
        GcsConfig config = GcsConfig.from(options, environment);
        StorageOptions.Builder builder = StorageOptions.http();
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
            credentials = GoogleCredentials.getApplicationDefault();
        } catch (IOException e) {
            // Reported with the first operation's location, as every store failure is.
            return new GcsCheckpointStore(uri -> {
                throw new StoreAccessDeniedException(uri, "cannot access " + uri + ": no Google credentials found (set "
                        + "GOOGLE_APPLICATION_CREDENTIALS to a service-account key file, run 'gcloud auth application-default "
                        + "login', or run with a workload identity)", e);
            }, Optional.empty());
        }
        Storage storage = builder.setCredentials(credentials).build().getService();
        return new GcsCheckpointStore(uri -> storage, Optional.empty());
    }
}
