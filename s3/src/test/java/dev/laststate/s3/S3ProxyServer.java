package dev.laststate.s3;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * S3Proxy in this JVM: an in-memory store behind a real S3 HTTP endpoint on 127.0.0.1 (free port), which
 * checks AWS v2/v4 signatures against one key pair. Started once per test class.
 */
final class S3ProxyServer implements AutoCloseable {

    static final String ACCESS_KEY = "laststate-test-access";
    static final String SECRET_KEY = "laststate-test-secret";

    private final S3Proxy proxy;
    private final URI endpoint;

    private S3ProxyServer(S3Proxy proxy, URI endpoint) {
        this.proxy = proxy;
        this.endpoint = endpoint;
    }

    static S3ProxyServer start() throws Exception {
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(new AtomicConditionalPuts(new TransientNio2BlobStore()))
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .build();
        proxy.start();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (!"STARTED".equals(proxy.getState())) {
            if (Instant.now().isAfter(deadline)) {
                proxy.stop();
                throw new IllegalStateException("S3Proxy did not start within 30 s (state " + proxy.getState() + ")");
            }
            Thread.sleep(5);
        }
        return new S3ProxyServer(proxy, URI.create("http://127.0.0.1:" + proxy.getPort()));
    }

    URI endpoint() {
        return endpoint;
    }

    static AwsCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY));
    }

    /** The store's configuration for this server, with more {@code s3.*} options. */
    S3StoreConfig config(Map<String, String> options) {
        return config(endpoint, options);
    }

    /** The store's configuration for {@code via} (a proxy in front of this server), with more {@code s3.*} options. */
    static S3StoreConfig config(URI via, Map<String, String> options) {
        Map<String, String> all = new TreeMap<>(options);
        all.put(S3StoreConfig.ENDPOINT, via.toString());
        all.putIfAbsent(S3StoreConfig.REGION, "us-east-1");
        return S3StoreConfig.fromOptions(all, Map.of());
    }

    /** The environment a store is given for this server: its key pair and nothing else. */
    static Map<String, String> environment() {
        return environment(SECRET_KEY);
    }

    /** The environment with this server's access key and {@code secret}. */
    static Map<String, String> environment(String secret) {
        // HOME points nowhere, so no developer's ~/.aws files take part.
        return Map.of("AWS_ACCESS_KEY_ID", ACCESS_KEY, "AWS_SECRET_ACCESS_KEY", secret, "HOME", "/nonexistent-laststate-home");
    }

    /** A store on this server with the right key pair. */
    S3CheckpointStore store(Map<String, String> options, List<? extends ExecutionInterceptor> interceptors) {
        S3StoreConfig config = config(options);
        return new S3CheckpointStore(config, S3Environment.from(environment(), config), interceptors);
    }

    /** A plain SDK client with the right key pair, for what the store never does (creating buckets, planting odd keys). */
    S3Client admin() {
        return S3Client.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                .credentialsProvider(credentials()).forcePathStyle(true).build();
    }

    /** Creates a bucket with a plain SDK client (the store never creates buckets). */
    void createBucket(String bucket) {
        try (S3Client admin = admin()) {
            admin.createBucket(r -> r.bucket(bucket));
        }
    }

    @Override
    public void close() throws Exception {
        proxy.stop();
    }
}
