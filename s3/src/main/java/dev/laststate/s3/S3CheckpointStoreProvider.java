package dev.laststate.s3;

import dev.laststate.store.CheckpointStore;
import dev.laststate.store.CheckpointStoreProvider;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * Provides the S3 store for {@code s3://} and {@code s3a://} locations (Flink's and Hadoop's names for the
 * same bucket). Options are {@link S3StoreConfig}'s {@code s3.*} keys. Everything else comes from the
 * environment map the store is opened with, never from the process's own environment: the endpoint and
 * region ({@code AWS_ENDPOINT_URL_S3}, {@code AWS_ENDPOINT_URL}, {@code AWS_REGION}, {@code AWS_DEFAULT_REGION}),
 * the credentials ({@code AWS_ACCESS_KEY_ID} + {@code AWS_SECRET_ACCESS_KEY} (+ {@code AWS_SESSION_TOKEN});
 * web identity with {@code AWS_WEB_IDENTITY_TOKEN_FILE} + {@code AWS_ROLE_ARN} (+ {@code AWS_ROLE_SESSION_NAME});
 * the profile {@code AWS_PROFILE}), the shared files ({@code AWS_CONFIG_FILE}, {@code AWS_SHARED_CREDENTIALS_FILE})
 * and the retries ({@code AWS_RETRY_MODE}, {@code AWS_MAX_ATTEMPTS}). The profile file and the container and
 * instance metadata services are asked only for what the map leaves open.
 */
public final class S3CheckpointStoreProvider implements CheckpointStoreProvider {

    static final Set<String> SCHEMES = Set.of("s3", "s3a");

    @Override
    public String name() {
        return "s3";
    }

    @Override
    public Set<String> schemes() {
        return SCHEMES;
    }

    @Override
    public CheckpointStore open(Map<String, String> options, Map<String, String> environment) {
        return open(options, environment, List.of());
    }

    /**
     * Opens a store as {@link #open(Map, Map)} does, with {@code observers} watching its requests: each is
     * an SDK {@link ExecutionInterceptor} called for every HTTP attempt (retries too) with the operation's
     * name, the request and the response, as a benchmark or a test counts what an operation costs.
     * Observers must only observe: one that modifies a request or response breaks the store's contract,
     * and one that throws fails the request it was called for (the store reports that as a store failure).
     * They run on the threads that send the requests, so they must be thread-safe.
     *
     * @throws dev.laststate.store.InvalidStoreConfigurationException for an unknown {@code s3.*} key or a
     *     malformed option or environment value
     */
    public CheckpointStore open(Map<String, String> options, Map<String, String> environment,
                                List<? extends ExecutionInterceptor> observers) {
        S3StoreConfig config = S3StoreConfig.fromOptions(options, environment);
        return new S3CheckpointStore(config, S3Environment.from(environment, config), List.copyOf(observers));
    }
}
