package dev.laststate.gcs;

import com.google.api.gax.retrying.RetrySettings;
import com.google.cloud.NoCredentials;
import com.google.cloud.http.HttpTransportOptions;
import com.google.cloud.storage.Storage;
import java.time.Duration;
import java.util.Optional;

/**
 * The store as the provider builds it for an emulator (no credentials), with the client's retry delays cut to
 * milliseconds so that a test of retries takes no seconds; the retry logic stays the client's own.
 */
final class EmulatorStore {

    private EmulatorStore() {}

    /**
     * A store on {@code endpoint} whose client makes at most {@code attempts} attempts of each call and gives every
     * attempt {@code timeout} to connect and to answer.
     */
    static GcsCheckpointStore open(String endpoint, int attempts, Duration timeout) {
        RetrySettings retries = RetrySettings.newBuilder()
                .setMaxAttempts(attempts)
                .setInitialRetryDelayDuration(Duration.ofMillis(1))
                .setMaxRetryDelayDuration(Duration.ofMillis(20))
                .setRetryDelayMultiplier(2)
                .setTotalTimeoutDuration(Duration.ofSeconds(30))
                .setInitialRpcTimeoutDuration(timeout)
                .setMaxRpcTimeoutDuration(timeout)
                .setRpcTimeoutMultiplier(1)
                .build();
        HttpTransportOptions transport = HttpTransportOptions.newBuilder()
                .setConnectTimeout((int) timeout.toMillis()).setReadTimeout((int) timeout.toMillis()).build();
        Storage storage = GcsCheckpointStore.clientOptions().setHost(endpoint).setProjectId("laststate-test")
                .setCredentials(NoCredentials.getInstance()).setTransportOptions(transport).setRetrySettings(retries)
                .build().getService();
        return new GcsCheckpointStore(uri -> storage, Optional.empty());
    }
}
