package dev.laststate.s3;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * A test class's {@link S3ProxyServer} with one bucket, and the stores the class opens on it: started before the
 * class's {@code @BeforeAll} methods, the stores and then the server closed after its {@code @AfterAll} methods.
 * Registered as a static field: {@code @RegisterExtension static final S3ProxyBucket S3 = new S3ProxyBucket("b");}.
 */
final class S3ProxyBucket implements BeforeAllCallback, AfterAllCallback {

    private final String bucket;
    private final List<S3CheckpointStore> stores = new ArrayList<>();
    private S3ProxyServer server;

    S3ProxyBucket(String bucket) {
        this.bucket = bucket;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        server = S3ProxyServer.start();
        server.createBucket(bucket);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        try (S3ProxyServer closing = server) {
            for (S3CheckpointStore store : stores) {
                store.close();
            }
        }
    }

    S3ProxyServer server() {
        return server;
    }

    URI endpoint() {
        return server.endpoint();
    }

    /** A store on this server with the right key pair and more {@code s3.*} options, closed after the class. */
    S3CheckpointStore store(Map<String, String> options, List<? extends ExecutionInterceptor> interceptors) {
        return closedAfterAll(openStore(endpoint(), options, interceptors));
    }

    /** A store of {@code config} and {@code environment} (with other timeouts, say), closed after the class. */
    S3CheckpointStore store(S3StoreConfig config, S3Environment environment, List<? extends ExecutionInterceptor> interceptors) {
        return closedAfterAll(new S3CheckpointStore(config, environment, interceptors));
    }

    private S3CheckpointStore closedAfterAll(S3CheckpointStore store) {
        stores.add(store);
        return store;
    }

    /** A store on the server at {@code endpoint} with the right key pair, for its caller to close. */
    static S3CheckpointStore openStore(URI endpoint, Map<String, String> options, List<? extends ExecutionInterceptor> interceptors) {
        S3StoreConfig config = config(endpoint, options);
        return new S3CheckpointStore(config, S3Environment.from(environment(), config), interceptors);
    }

    /** The store's configuration for {@code via} (the server, or a proxy in front of it), with more {@code s3.*} options. */
    static S3StoreConfig config(URI via, Map<String, String> options) {
        Map<String, String> all = new TreeMap<>(options);
        all.put(S3StoreConfig.ENDPOINT, via.toString());
        all.putIfAbsent(S3StoreConfig.REGION, S3ProxyServer.REGION);
        return S3StoreConfig.fromOptions(all, Map.of());
    }

    /** The environment a store is given for the server: its key pair and nothing else. */
    static Map<String, String> environment() {
        return environment(S3ProxyServer.SECRET_KEY);
    }

    /** The environment with the server's access key and {@code secret}. */
    static Map<String, String> environment(String secret) {
        // HOME points nowhere, so no developer's ~/.aws files take part.
        return Map.of("AWS_ACCESS_KEY_ID", S3ProxyServer.ACCESS_KEY, "AWS_SECRET_ACCESS_KEY", secret, "HOME", "/nonexistent-laststate-home");
    }
}
