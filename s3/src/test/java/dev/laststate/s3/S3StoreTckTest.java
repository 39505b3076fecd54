package dev.laststate.s3;

import dev.laststate.store.StoreUri;
import dev.laststate.tck.CheckpointStoreTck;
import dev.laststate.tck.EmulatorGap;
import dev.laststate.tck.StoreFixture;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The whole TCK on the S3 store against S3Proxy (in-process, in memory, signatures checked). The
 * multipart copy threshold is set to 5 MiB so the TCK's 12 MiB copy goes through UploadPartCopy.
 */
class S3StoreTckTest extends CheckpointStoreTck {

    private static final String BUCKET = "laststate-tck";
    /** A bucket no test creates. */
    private static final String MISSING_BUCKET = "laststate-tck-no-such-bucket";
    private static final String OTHER_BUCKET = "laststate-tck-other";

    @Override
    protected StoreFixture createFixture() throws Exception {
        S3ProxyServer server = S3ProxyServer.start();
        server.createBucket(BUCKET);
        server.createBucket(OTHER_BUCKET);
        S3Client admin = server.admin();
        S3CheckpointStore store = S3ProxyBucket.openStore(server.endpoint(), Map.of(S3StoreConfig.MULTIPART_COPY_THRESHOLD, "5MiB"), List.of());
        // No capability narrowed: S3Proxy 4.1 enforces If-None-Match and If-Match on PUT, x-amz-copy-source-if-match
        // on CopyObject and UploadPartCopy, and implements UploadPartCopy (the TCK's racing writers and copies of a
        // changed version, and S3StoreTest's request counts show it).
        return StoreFixture.of(store, n -> StoreUri.parse("s3://" + BUCKET + "/tck/root-" + n), () -> {
                    try (server; admin) {
                        // both closed, the server even when the client's close fails
                    }
                })
                .withEmulatorGaps(Map.of(EmulatorGap.ATOMIC_READS, "S3Proxy's in-memory store answered a GET racing a "
                        + "PUT with the bytes of one write and the ETag of the next (seen once in a CI run; the store reads "
                        + "bytes and ETag from one GET answer, and S3 itself answers a GET from one version)"))
                .withMissingContainer(StoreUri.parse("s3://" + MISSING_BUCKET + "/x"))
                .withOtherContainer(StoreUri.parse("s3://" + OTHER_BUCKET + "/tck"))
                // DEL, a control character no StoreUri holds. S3 takes any UTF-8 key (and escapes a listing with
                // encoding-type=url); S3Proxy puts keys into its listing's XML as they are, so the planted character
                // must be one XML 1.0 allows (U+0001 was unparseable, and "dir//x" fails S3Proxy's signature check).
                .withUnrepresentableNames(dir -> {
                    String name = "bad\u007fname";
                    admin.putObject(r -> r.bucket(dir.authority()).key(dir.path() + "/" + name), RequestBody.fromString("planted"));
                    return name;
                });
    }
}
