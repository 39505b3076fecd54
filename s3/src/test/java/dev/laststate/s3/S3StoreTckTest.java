package dev.laststate.s3;

import dev.laststate.store.StoreUri;
import dev.laststate.tck.CheckpointStoreTck;
import dev.laststate.tck.StoreFixture;
import java.util.List;
import java.util.Map;

/**
 * The whole TCK on the S3 store against S3Proxy (in-process, in memory, signatures checked). The
 * multipart copy threshold is set to 5 MiB so the TCK's 12 MiB copy goes through UploadPartCopy.
 */
class S3StoreTckTest extends CheckpointStoreTck {

    private static final String BUCKET = "laststate-tck";

    @Override
    protected StoreFixture createFixture() throws Exception {
        S3ProxyServer server = S3ProxyServer.start();
        server.createBucket(BUCKET);
        S3CheckpointStore store = server.store(Map.of(S3StoreConfig.MULTIPART_COPY_THRESHOLD, "5MiB"), List.of());
        // Nothing narrowed: S3Proxy 4.1 enforces If-None-Match and If-Match on PUT and implements UploadPartCopy
        // (the TCK's racing writers and S3StoreTest's request counts show it).
        return StoreFixture.of(store, n -> StoreUri.parse("s3://" + BUCKET + "/tck/root-" + n), server);
    }
}
