package dev.laststate.gcs;

import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;
import dev.laststate.store.CheckpointStore;
import dev.laststate.store.StoreUri;
import dev.laststate.tck.CheckpointStoreTck;
import dev.laststate.tck.StoreFixture;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;

/**
 * The whole TCK against a real bucket, with nothing narrowed. Runs only with {@code -Pgcs-real} (surefire
 * leaves this class out otherwise) and then needs {@code LASTSTATE_GCS_TEST_BUCKET} and Application Default
 * Credentials allowed Storage Object Admin on that bucket; without the variable it fails saying so.
 * Everything is written below {@code laststate-tck/<random>/} and deleted afterwards.
 */
class RealBucketTckTest extends CheckpointStoreTck {

    static final String BUCKET_VARIABLE = "LASTSTATE_GCS_TEST_BUCKET";
    static final String PROJECT_VARIABLE = "LASTSTATE_GCS_TEST_PROJECT";

    @Override
    protected StoreFixture createFixture() throws Exception {
        String bucket = System.getenv(BUCKET_VARIABLE);
        if (bucket == null || bucket.isBlank()) {
            throw new IllegalStateException(BUCKET_VARIABLE + " is not set: the real-bucket TCK (-Pgcs-real) needs a bucket "
                    + "the Application Default Credentials may write to, as in " + BUCKET_VARIABLE + "=my-test-bucket "
                    + "mvn -B -Pgcs-real -pl gcs -am verify -Dtest=RealBucketTckTest -Dsurefire.failIfNoSpecifiedTests=false");
        }
        Map<String, String> options = new TreeMap<>();
        String project = System.getenv(PROJECT_VARIABLE);
        if (project != null && !project.isBlank()) {
            options.put("gcs.project", project);
        }
        CheckpointStore store = new GcsCheckpointStoreProvider().open(options, System.getenv());
        StoreUri run = StoreUri.parse("gs://" + bucket.strip() + "/laststate-tck/" + UUID.randomUUID());
        AtomicInteger next = new AtomicInteger();
        StoreFixture fixture = new StoreFixture() {
            @Override
            public CheckpointStore store() {
                return store;
            }

            @Override
            public StoreUri freshRoot() {
                return run.resolve("root-" + next.getAndIncrement());
            }

            @Override
            public void close() throws Exception {
                try {
                    StoreCleanup.deleteTree(store, run);
                } finally {
                    store.close();
                }
            }
        };
        // Bucket names are global: a random one exists nowhere. GCS allows control characters other than CR
        // and LF in object names, which no location can hold; the raw client plants one, and deletes it after
        // the class (the store's clean-up cannot name it).
        Storage raw = StorageOptions.http().build().getService();
        return fixture
                .withMissingContainer(StoreUri.parse("gs://laststate-missing-" + UUID.randomUUID() + "/flink"))
                .withUnrepresentableNames(directory -> {
                    String name = "bell\u0007name";
                    BlobId planted = BlobId.of(directory.authority(), directory.path() + "/" + name);
                    raw.create(BlobInfo.newBuilder(planted).build(), "planted".getBytes(StandardCharsets.UTF_8));
                    plantedNames.add(planted);
                    return name;
                });
    }

    private final List<BlobId> plantedNames = new CopyOnWriteArrayList<>();

    @AfterAll
    void deletePlantedNames() {
        if (!plantedNames.isEmpty()) {
            StorageOptions.http().build().getService().delete(plantedNames);
        }
    }
}
