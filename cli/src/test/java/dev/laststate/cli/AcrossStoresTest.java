package dev.laststate.cli;

import static dev.laststate.cli.LocalFiles.uriOf;
import static dev.laststate.tck.CheckpointTree.JOB;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.laststate.s3.S3ProxyServer;
import dev.laststate.store.CheckpointStore;
import dev.laststate.store.CheckpointStores;
import dev.laststate.store.StoreUri;
import dev.laststate.tck.CheckpointTree;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --target} in another store: a disaster-recovery copy of checkpoints in S3 (S3Proxy), kept on the local file
 * system and in another bucket by the same promotion path, self-contained, so it restores after the source is gone.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AcrossStoresTest {

    private static final String BUCKET = "laststate-across";
    private static final String DR_BUCKET = "laststate-across-dr";

    private S3ProxyServer s3;

    @TempDir
    Path dir;

    @BeforeAll
    void startS3() throws Exception {
        s3 = S3ProxyServer.start();
        s3.createBucket(BUCKET);
        s3.createBucket(DR_BUCKET);
    }

    @AfterAll
    void stopS3() throws Exception {
        s3.close();
    }

    private Map<String, String> env() {
        return Map.of("AWS_ACCESS_KEY_ID", S3ProxyServer.ACCESS_KEY, "AWS_SECRET_ACCESS_KEY", S3ProxyServer.SECRET_KEY,
                "AWS_REGION", S3ProxyServer.REGION, "AWS_ENDPOINT_URL_S3", s3.endpoint().toString(), "AWS_MAX_ATTEMPTS", "1",
                "HOME", dir.toString());
    }

    /** chk-1 and chk-2 of {@link CheckpointTree#JOB} in S3, each referencing its own files and two shared ones. */
    private StoreUri seed(String prefix) throws Exception {
        StoreUri checkpoints = StoreUri.parse("s3://" + BUCKET + "/" + prefix + "/checkpoints");
        try (CheckpointStore opened = CheckpointStores.load().open(checkpoints, Map.of(), env())) {
            CheckpointTree tree = new CheckpointTree(opened, checkpoints);
            StoreUri a = tree.sharedFile(JOB, "sst-a", "shared a");
            StoreUri b = tree.sharedFile(JOB, "sst-b", "shared b");
            tree.checkpointReferencing(JOB, 1, 2, List.of(a, b));
            StoreUri c = tree.sharedFile(JOB, "sst-c", "shared c");
            tree.checkpointReferencing(JOB, 2, 2, List.of(b, c));
        }
        return checkpoints;
    }

    /** Deletes every object of the source, the job's shared/ files included: the region is gone. */
    private void deleteSource(String prefix) throws Exception {
        List<StoreUri> objects = new ArrayList<>();
        for (String key : s3.keys(BUCKET, prefix + "/")) {
            objects.add(StoreUri.parse("s3://" + BUCKET + "/" + key));
        }
        assertThat(objects).isNotEmpty();
        try (CheckpointStore opened = CheckpointStores.load().open(objects.get(0), Map.of(), env())) {
            opened.deleteAll(objects);
        }
        assertThat(s3.keys(BUCKET, prefix + "/")).isEmpty();
    }

    @Test
    void aCopyOnTheLocalFileSystemOfCheckpointsInS3StandsOnItsOwn() throws Exception {
        StoreUri checkpoints = seed("to-local");
        Path target = dir.resolve("dr").resolve("last-state");

        JsonNode result = Cli.succeeds(env(), "promote", "--store", checkpoints.toString(), "--target", target.toString(),
                "--verify", "--output", "json").json();

        assertThat(result.get("status").asText()).isEqualTo("PROMOTED");
        assertThat(result.get("checkpointId").asLong()).isEqualTo(2);
        assertThat(result.get("target").asText()).isEqualTo(uriOf(target));
        assertThat(result.get("verification").get("restorable").asBoolean()).isTrue();
        deleteSource("to-local");
        JsonNode verified = Cli.succeeds(Map.of(), "verify", "--target", target.toString(), "--output", "json").json();
        assertThat(verified.get("restorable").asBoolean()).isTrue();
        assertThat(verified.get("selfContained").asBoolean()).isTrue();
        assertThat(verified.get("files").asInt()).isEqualTo(4);
    }

    @Test
    void aCopyInAnotherBucketIsKeptByTheSamePromotionsAndCopiesOnlyWhatChanged() throws Exception {
        StoreUri checkpoints = seed("to-bucket");
        String target = "s3://" + DR_BUCKET + "/to-bucket/last-state";

        Cli.Run first = Cli.succeeds(env(), "promote", "--store", checkpoints.toString(), "--target", target);
        Cli.Run again = Cli.succeeds(env(), "promote", "--store", checkpoints.toString(), "--target", target);

        assertThat(first.out()).startsWith("PROMOTED checkpoint 2 of job " + JOB).contains(": 5 files, ");
        assertThat(again.out()).startsWith("UNCHANGED checkpoint 2");
        deleteSource("to-bucket");
        JsonNode verified = Cli.succeeds(env(), "verify", "--target", target, "--output", "json").json();
        assertThat(verified.get("restorable").asBoolean()).isTrue();
        assertThat(verified.get("selfContained").asBoolean()).isTrue();
    }

    @Test
    void aCopyInAnotherStoreAsItIsIsRefusedBecauseItWouldNotStandOnItsOwn() throws Exception {
        StoreUri checkpoints = seed("as-is");
        Path target = dir.resolve("as-is").resolve("last-state");

        Cli.Run run = Cli.run(env(), "promote", "--store", checkpoints.toString(), "--target", target.toString(), "--no-relocate");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.errLines()).singleElement().asString().contains("lies in another store").contains("--no-relocate");
        assertThat(target).doesNotExist();
    }
}
