package dev.laststate.s3;

import dev.laststate.store.CheckpointStore;
import dev.laststate.store.CheckpointStoreProvider;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;

/**
 * Provides the S3 store for {@code s3://} and {@code s3a://} locations (Flink's and Hadoop's names for the
 * same bucket). Options are {@link S3StoreConfig}'s {@code s3.*} keys; credentials come only from the AWS
 * SDK's default chain (environment, profile, web identity, container, instance metadata).
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
        S3StoreConfig config = S3StoreConfig.parse(options, environment);
        return new S3CheckpointStore(config, DefaultCredentialsProvider.builder().build(), List.of());
    }
}
