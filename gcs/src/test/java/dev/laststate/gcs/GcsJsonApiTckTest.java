package dev.laststate.gcs;

import dev.laststate.store.CheckpointStore;
import dev.laststate.store.StoreUri;
import dev.laststate.tck.CheckpointStoreTck;
import dev.laststate.tck.StoreFixture;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The whole TCK on the real google-cloud-storage client against {@link FakeGcsServer}, the JSON API's
 * documented semantics in process, with nothing narrowed and no emulator gap. The store is opened the way a
 * user points it at an emulator ({@code STORAGE_EMULATOR_HOST}, no credentials). Listings come in pages of
 * {@value FakeGcsServer#DEFAULT_LIST_PAGE_SIZE}, so the TCK's 1,050-name directory spans eleven pages; rewrites
 * copy at most 4 MiB a call, so the TCK's 12 MiB copy takes three calls with a rewrite token.
 */
class GcsJsonApiTckTest extends CheckpointStoreTck {

    static final String BUCKET = "laststate-tck";
    static final String OTHER_BUCKET = "laststate-tck-other";

    @Override
    protected StoreFixture createFixture() throws Exception {
        FakeGcsServer server = FakeGcsServer.start();
        try {
            server.createBucket(BUCKET);
            server.createBucket(OTHER_BUCKET);
            CheckpointStore store = new GcsCheckpointStoreProvider().open(Map.of(),
                    Map.of(GcsStoreConfig.EMULATOR_HOST_VARIABLE, server.endpoint()));
            return StoreFixture.of(store, n -> StoreUri.parse("gs://" + BUCKET + "/flink/root-" + n), server)
                    .withMissingContainer(StoreUri.parse("gs://laststate-no-such-bucket/flink"))
                    .withOtherContainer(StoreUri.parse("gs://" + OTHER_BUCKET + "/flink"))
                    // GCS allows control characters other than CR and LF in object names; no location holds one.
                    .withUnrepresentableNames(directory -> {
                        String name = "bell\u0007name";
                        server.put(directory.authority(), directory.path() + "/" + name, "planted".getBytes(StandardCharsets.UTF_8));
                        return name;
                    });
        } catch (Exception | Error e) {
            server.close();
            throw e;
        }
    }
}
