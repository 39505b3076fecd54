package dev.laststate.s3;

import dev.laststate.store.CheckpointStore;
import java.net.URI;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The benchmark's way into the S3 store's package: a store on a given endpoint with a fixed key pair and a
 * request counter, which the public provider (default credential chain, no interceptors) does not offer.
 */
public final class BenchmarkS3Store implements AutoCloseable {

    private final S3RequestCounter counter = new S3RequestCounter();
    private final S3CheckpointStore store;

    public BenchmarkS3Store(URI endpoint, String accessKey, String secretKey, int maxConcurrency) {
        S3StoreConfig config = S3StoreConfig.parse(Map.of(S3StoreConfig.ENDPOINT, endpoint.toString(),
                S3StoreConfig.REGION, "us-east-1", S3StoreConfig.MAX_CONCURRENCY, Integer.toString(maxConcurrency)));
        store = new S3CheckpointStore(config, StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)),
                List.of(counter));
    }

    public CheckpointStore store() {
        return store;
    }

    /** HTTP requests sent since the last reset, by S3 operation (retries counted). */
    public Map<String, Long> requests() {
        return counter.counts();
    }

    public void resetRequests() {
        counter.reset();
    }

    @Override
    public void close() {
        store.close();
    }
}
