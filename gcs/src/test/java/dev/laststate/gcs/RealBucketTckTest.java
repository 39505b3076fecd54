package dev.laststate.gcs;

import dev.laststate.store.CheckpointStore;
import dev.laststate.store.StoreUri;
import dev.laststate.tck.CheckpointStoreTck;
import dev.laststate.tck.StoreFixture;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

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
        return new StoreFixture() {
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
    }
}
