package dev.laststate.gcs;

import com.google.cloud.storage.Storage;
import com.google.cloud.storage.contrib.nio.testing.LocalStorageHelper;
import dev.laststate.store.Capability;
import dev.laststate.store.CheckpointStore;
import dev.laststate.store.StoreUri;
import dev.laststate.tck.CheckpointStoreTck;
import dev.laststate.tck.EmulatorGap;
import dev.laststate.tck.StoreFixture;
import java.util.Map;
import java.util.Optional;

/**
 * The whole TCK on {@code LocalStorageHelper} from google-cloud-nio: Google's in-memory fake behind the real
 * client (requests go through the SDK into a mock HTTP transport). No faithful GCS emulator runs on these
 * machines; where the fake differs from GCS, the fixture says so and the affected tests show as disabled
 * with the reason. The code those tests would prove is covered by {@link PagesTest}, {@link RewritesTest},
 * {@link GcsErrorsTest} and by {@code RealBucketTckTest} against a real bucket.
 */
class LocalStorageHelperTckTest extends CheckpointStoreTck {

    @Override
    protected StoreFixture createFixture() {
        Storage storage = LocalStorageHelper.customOptions(false).getService();
        CheckpointStore store = new GcsCheckpointStore(uri -> storage, Optional.empty());
        String conditions = "LocalStorageHelper answers a failed ifGenerationMatch with a transport error or a 404, "
                + "never GCS's 412, and does not check it atomically with the upload";
        return StoreFixture.of(store, n -> StoreUri.parse("gs://laststate-tck/root-" + n))
                .narrowing(Map.of(Capability.CONDITIONAL_CREATE, conditions, Capability.CONDITIONAL_REPLACE, conditions))
                .withEmulatorGaps(Map.of(
                        EmulatorGap.PAGINATION, "LocalStorageHelper returns every entry in one page (a page size cuts "
                                + "the listing without a next token); PagesTest drives the page-token loop",
                        EmulatorGap.ATOMIC_UPLOADS, "LocalStorageHelper shows an object while its upload is in progress, "
                                + "without a generation",
                        EmulatorGap.FINE_TIMESTAMPS, "LocalStorageHelper keeps update times to the second",
                        EmulatorGap.ESCAPED_NAMES, "LocalStorageHelper's mock transport URL-decodes object names again "
                                + "('+' becomes a space, a lone '%' fails)"));
    }
}
