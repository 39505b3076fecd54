package dev.laststate.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * S3Proxy in this JVM: an in-memory store behind a real S3 HTTP endpoint on 127.0.0.1 (free port) that checks
 * AWS v2/v4 signatures against one key pair. The tests look at what landed in it through its blob store, not
 * through S3, so that view depends on neither Flink's nor laststate's S3 client.
 */
final class S3Emulator implements AutoCloseable {

    static final String ACCESS_KEY = "laststate-e2e-access";
    static final String SECRET_KEY = "laststate-e2e-secret";
    static final String REGION = "us-east-1";

    private final S3Proxy proxy;
    private final BlobStore blobs;
    private final URI endpoint;

    private S3Emulator(S3Proxy proxy, BlobStore blobs, URI endpoint) {
        this.proxy = proxy;
        this.blobs = blobs;
        this.endpoint = endpoint;
    }

    static S3Emulator start() throws Exception {
        BlobStore blobs = new TransientNio2BlobStore();
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
        return new S3Emulator(proxy, blobs, URI.create("http://127.0.0.1:" + proxy.getPort()));
    }

    URI endpoint() {
        return endpoint;
    }

    void createBucket(String bucket) {
        blobs.createContainer(bucket);
    }

    /** Stores {@code file} as {@code key}, straight into the store (not through S3). */
    void put(String bucket, String key, Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            blobs.putBlob(PutObjectRequest.builder().bucket(bucket).key(key).contentLength(Files.size(file)).build(), in);
        }
    }

    /** The keys of every object below {@code prefix} (a "directory" ending in /), all pages, straight from the store. */
    List<String> keys(String bucket, String prefix) {
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

    @Override
    public void close() throws Exception {
        proxy.stop();
    }
}
