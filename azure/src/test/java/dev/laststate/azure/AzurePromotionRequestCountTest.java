package dev.laststate.azure;

import static dev.laststate.tck.CheckpointTree.JOB;
import static org.assertj.core.api.Assertions.assertThat;

import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpRequest;
import com.azure.storage.blob.BlobServiceClientBuilder;
import dev.laststate.flink.PromotionRequest;
import dev.laststate.flink.PromotionResult;
import dev.laststate.flink.PromotionStatus;
import dev.laststate.flink.Promoter;
import dev.laststate.store.StoreUri;
import dev.laststate.tck.CheckpointTree;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The Azure requests one promotion sends, by Blob API operation and counted at the transport (every try):
 * one-level listings, one Copy Blob From URL per state file of the checkpoint and nothing else per file, the
 * reads of {@code _metadata}'s header and of the pointer record, the conditional commit and the pending record; the
 * same with 10 and 1,000 files in the job's {@code shared/}, and none of them names {@code shared/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AzurePromotionRequestCountTest {

    private static final String CONTAINER = "cost";
    private static final String BASE = "abfss://" + CONTAINER + "@" + Azurite.ACCOUNT + ".dfs.core.windows.net/";

    private final RecordingHttpClient http = new RecordingHttpClient();
    private Azurite azurite;
    private AzureCheckpointStore store;

    @BeforeAll
    void start() throws Exception {
        azurite = Azurite.start();
        new BlobServiceClientBuilder().connectionString(azurite.connectionString()).buildClient().createBlobContainer(CONTAINER);
        store = new AzureCheckpointStore(AzureStoreConfig.fromOptions(Map.of(AzureStoreConfig.ENDPOINT, azurite.endpoint())),
                AzureCredentials.fromEnvironment(azurite.environment()), http, AzureCheckpointStore.LIST_PAGE_SIZE);
    }

    @AfterAll
    void stop() throws Exception {
        try (Azurite a = azurite) {
            if (store != null) {
                store.close();
            }
        }
    }

    @Test
    void aPromotionSendsOneCopyPerFileAndTheSameRequestsWhateverSharedHolds() throws Exception {
        int stateFiles = 20;
        Map<String, Long> few = requestsToPromote(StoreUri.parse(BASE + "few"), stateFiles, 10);
        Map<String, Long> many = requestsToPromote(StoreUri.parse(BASE + "many"), stateFiles, 1_000);
        Map<String, Long> smaller = requestsToPromote(StoreUri.parse(BASE + "smaller"), 4, 10);
        System.out.println("MEASURED azure requests per promotion: " + stateFiles + " state files + _metadata, 10 files in shared/: " + few);
        System.out.println("MEASURED azure requests per promotion: " + stateFiles + " state files + _metadata, 1,000 files in shared/: " + many);
        System.out.println("MEASURED azure requests per promotion: 4 state files + _metadata, 10 files in shared/: " + smaller);

        assertThat(many).as("1,000 files in shared/ cost what 10 do").isEqualTo(few);
        // The floor, request by request (measured on Azurite, and what the protocol needs):
        // - List Blobs 4, each one level: the target's _laststate-pending/, the job directory (before and after the
        //   copy, to see that no newer checkpoint completed meanwhile), chk-42;
        // - Get Blob 2: the pointer record, and the header of chk-42/_metadata (checked before anything is written);
        // - Get Blob Properties 5, the promoter's stats: the target's _metadata, and chk-43/_metadata (absent) and
        //   chk-42/_metadata before and after the copy; the store itself stats nothing (no stat around a copy);
        // - Copy Blob From URL, one per state file, pinned to the listed ETag; _metadata is written, not copied;
        // - Put Blob 3: the pending record, the conditional _metadata commit, the conditional pointer record;
        // - Delete Blob 1: the pending record, once settled.
        assertThat(few).isEqualTo(Map.of("List Blobs", 4L, "Get Blob", 2L, "Get Blob Properties", 5L,
                "Copy Blob From URL", (long) stateFiles, "Put Blob", 3L, "Delete Blob", 1L));
        Map<String, Long> perFileOnlyCopies = new HashMap<>(few);
        perFileOnlyCopies.put("Copy Blob From URL", 4L);
        assertThat(smaller).as("nothing per file beyond its copy").isEqualTo(perFileOnlyCopies);
    }

    private static String decodedPath(HttpRequest request) {
        // The SDK sends a blob name's '/' as %2F.
        return URLDecoder.decode(request.getUrl().getPath(), StandardCharsets.UTF_8);
    }

    private Map<String, Long> requestsToPromote(StoreUri checkpoints, int stateFiles, int sharedFiles) throws Exception {
        CheckpointTree tree = new CheckpointTree(store, checkpoints);
        tree.checkpoint(JOB, 41, stateFiles);
        tree.checkpoint(JOB, 42, stateFiles);
        tree.incompleteCheckpoint(JOB, 43, 2);
        tree.sharedFiles(JOB, sharedFiles);
        String shared = tree.jobDir(JOB).resolve("shared").path();
        http.clear();

        PromotionResult result = new Promoter(store).promote(PromotionRequest.of(checkpoints, JOB));

        assertThat(result.status()).isEqualTo(PromotionStatus.PROMOTED);
        assertThat(http.requests()).filteredOn(r -> RecordingHttpClient.operation(r).equals("Put Blob")
                        && Stream.of("/last-state/_metadata", "/last-state/_laststate.json").anyMatch(decodedPath(r)::endsWith))
                .as("the commit and the pointer record are conditional").hasSize(2)
                .allSatisfy(r -> assertThat(Optional.ofNullable(r.getHeaders().getValue(HttpHeaderName.IF_NONE_MATCH))
                        .or(() -> Optional.ofNullable(r.getHeaders().getValue(HttpHeaderName.IF_MATCH)))).isPresent());
        assertThat(http.requests()).isNotEmpty().allSatisfy(request -> {
            String url = URLDecoder.decode(request.getUrl().toString(), StandardCharsets.UTF_8);
            assertThat(url).as("%s names nothing in shared/", RecordingHttpClient.operation(request)).doesNotContain(shared);
            if (RecordingHttpClient.operation(request).equals("List Blobs")) {
                assertThat(url).as("every listing is one level").contains("delimiter=/");
            }
        });
        return new TreeMap<>(http.operations());
    }

}
