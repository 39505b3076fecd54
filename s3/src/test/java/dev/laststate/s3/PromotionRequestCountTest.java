package dev.laststate.s3;

import static dev.laststate.tck.CheckpointTree.JOB;
import static org.assertj.core.api.Assertions.assertThat;

import dev.laststate.flink.PromotionRequest;
import dev.laststate.flink.PromotionStatus;
import dev.laststate.flink.Promoter;
import dev.laststate.job.StorageScanJobSource;
import dev.laststate.store.StoreUri;
import dev.laststate.tck.CheckpointTree;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Finding the job and promoting its newest checkpoint sends the same requests, by type, whether the job's
 * {@code shared/} holds 10 or 10,000 objects, and none of them names {@code shared/}: the S3 version of
 * the TCK's PromotionCostTest, counted at the SDK (every HTTP attempt) rather than at the SPI.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PromotionRequestCountTest {

    private static final String BUCKET = "laststate-cost";

    private final S3RequestCounter counter = new S3RequestCounter();
    /** The requests of each promotion, without those of finding the job. */
    private final List<Map<String, Long>> promotionOnly = new ArrayList<>();
    private S3CheckpointStore store;

    @RegisterExtension
    static final S3ProxyBucket S3 = new S3ProxyBucket(BUCKET);

    @BeforeAll
    void openStore() {
        store = S3.store(Map.of(), List.of(counter));
    }

    @Test
    void requestsToPromoteDoNotGrowWithSharedObjects() throws Exception {
        Map<String, Long> few = requestsToScanAndPromote(StoreUri.parse("s3://" + BUCKET + "/few"), 10);
        Map<String, Long> many = requestsToScanAndPromote(StoreUri.parse("s3://" + BUCKET + "/many"), 10_000);

        assertThat(many).isEqualTo(few);
        assertThat(promotionOnly).hasSize(2).allSatisfy(counts -> assertThat(counts).isEqualTo(promotionOnly.get(0)));
        // Four state files of chk-42 copied (CopyObject, no HeadObject per copy: each is pinned to the version
        // listed), its _metadata read and committed; the HeadObjects are the promoter's own stats of _metadata
        // files (the target's, the incomplete chk-43's missing one, chk-42's before and after the copy), none a copy's.
        assertThat(promotionOnly.get(0)).isEqualTo(Map.of("ListObjectsV2", 4L, "HeadObject", 5L, "CopyObject", 4L, "GetObject", 2L,
                "PutObject", 3L, "DeleteObjects", 1L));
    }

    private Map<String, Long> requestsToScanAndPromote(StoreUri checkpoints, int sharedObjects) throws Exception {
        CheckpointTree tree = new CheckpointTree(store, checkpoints);
        tree.checkpoint(JOB, 41, 4);
        tree.checkpoint(JOB, 42, 4);
        tree.incompleteCheckpoint(JOB, 43, 2);
        StoreUri shared = tree.jobDir(JOB).resolve("shared");
        tree.sharedFiles(JOB, sharedObjects);
        counter.reset();

        String jobId = new StorageScanJobSource(store, checkpoints).job().jobId();
        Map<String, Long> scan = counter.counts();
        assertThat(new Promoter(store).promote(PromotionRequest.of(checkpoints, jobId)).status())
                .isEqualTo(PromotionStatus.PROMOTED);
        Map<String, Long> promotion = new TreeMap<>(counter.counts());
        scan.forEach((operation, count) -> promotion.merge(operation, -count, Long::sum));
        promotion.values().removeIf(count -> count == 0);
        promotionOnly.add(promotion);

        assertThat(counter.sent()).isNotEmpty().allSatisfy(sent -> {
            assertThat(sent.keys()).as("%s names no key in shared/", sent.operation()).doesNotContain(shared.path());
            if (sent.operation().equals("ListObjectsV2")) {
                assertThat(sent.query("delimiter")).as("every listing is one level").isEqualTo("/");
            }
        });
        assertThat(counter.sent()).as("the check above sees keys")
                .anySatisfy(sent -> assertThat(sent.keys()).contains(tree.jobDir(JOB).path() + "/chk-42/_metadata"));
        return counter.counts();
    }
}
