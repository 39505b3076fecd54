package dev.laststate.s3;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * S3Proxy in this JVM: an in-memory store behind a real S3 HTTP endpoint on 127.0.0.1 (free port), which
 * checks AWS v2/v4 signatures against one key pair and decides a conditional PUT atomically, as S3 does.
 * Started once per test class, by this module's tests and by the e2e module's, which takes this module's test
 * jar without its dependencies: nothing here names a laststate class (the stores are {@link S3ProxyBucket}'s).
 * The bucket set-up and the view of what landed go straight to its blob store, not through S3, so they depend
 * on no S3 client.
 */
public final class S3ProxyServer implements AutoCloseable {

    public static final String ACCESS_KEY = "laststate-test-access";
    public static final String SECRET_KEY = "laststate-test-secret";
    public static final String REGION = "us-east-1";

    private final S3Proxy proxy;
    private final BlobStore blobs;
    private final URI endpoint;

    private S3ProxyServer(S3Proxy proxy, BlobStore blobs, URI endpoint) {
        this.proxy = proxy;
        this.blobs = blobs;
        this.endpoint = endpoint;
    }

    public static S3ProxyServer start() throws Exception {
        BlobStore blobs = new AtomicConditionalPuts(new TransientNio2BlobStore());
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(blobs)
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
        return new S3ProxyServer(proxy, blobs, URI.create("http://127.0.0.1:" + proxy.getPort()));
    }

    public URI endpoint() {
        return endpoint;
    }

    /** Creates a bucket (the store never creates buckets). */
    public void createBucket(String bucket) {
        blobs.createContainer(bucket);
    }

    /** Stores {@code file} as {@code key}. */
    public void put(String bucket, String key, Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            blobs.putBlob(PutObjectRequest.builder().bucket(bucket).key(key).contentLength(Files.size(file)).build(), in);
        }
    }

    /** The keys of every object below {@code prefix} (a "directory" ending in /), all pages. */
    public List<String> keys(String bucket, String prefix) {
        List<String> keys = new ArrayList<>();
        ListObjectsV2Request request = ListObjectsV2Request.builder().bucket(bucket).prefix(prefix).build();
        while (true) {
            ListObjectsV2Response page = blobs.list(request);
            page.contents().stream().map(S3Object::key).forEach(keys::add);
            if (!Boolean.TRUE.equals(page.isTruncated())) {
                return keys;
            }
            request = request.toBuilder().continuationToken(page.nextContinuationToken()).build();
        }
    }

    /** Every object below {@code prefix}: its key and its size, all pages. */
    public Map<String, Long> sizes(String bucket, String prefix) {
        Map<String, Long> sizes = new TreeMap<>();
        ListObjectsV2Request request = ListObjectsV2Request.builder().bucket(bucket).prefix(prefix).build();
        while (true) {
            ListObjectsV2Response page = blobs.list(request);
            page.contents().forEach(o -> sizes.put(o.key(), o.size()));
            if (!Boolean.TRUE.equals(page.isTruncated())) {
                return sizes;
            }
            request = request.toBuilder().continuationToken(page.nextContinuationToken()).build();
        }
    }

    /** Whether {@code key} exists. */
    public boolean exists(String bucket, String key) {
        return blobs.blobExists(bucket, key);
    }

    /** The bytes of {@code key}. */
    public byte[] read(String bucket, String key) throws IOException {
        try (InputStream in = blobs.getBlob(bucket, key)) {
            return in.readAllBytes();
        }
    }

    /** Deletes every object below {@code prefix}. */
    public void deleteAll(String bucket, String prefix) {
        for (String key : keys(bucket, prefix)) {
            blobs.removeBlob(bucket, key);
        }
    }

    /**
     * A plain SDK client with the right key pair, for what the store never does (planting odd keys). Needs an SDK
     * HTTP client on the class path, which the e2e module's test class path does not have.
     */
    S3Client admin() {
        return S3Client.builder().endpointOverride(endpoint).region(Region.of(REGION)).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .build();
    }

    @Override
    public void close() throws Exception {
        proxy.stop();
    }
}
