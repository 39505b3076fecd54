package dev.laststate.cli;

import static dev.laststate.tck.CheckpointTree.JOB;
import static org.assertj.core.api.Assertions.assertThat;

import dev.laststate.s3.S3ProxyServer;
import dev.laststate.store.CheckpointStore;
import dev.laststate.store.CheckpointStores;
import dev.laststate.store.StoreUri;
import dev.laststate.store.WriteCondition;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On an object store a mistyped prefix and a new job's empty one look the same: only the marker of
 * {@code laststate init} tells them apart. Against S3Proxy (the s3 module's in-process S3), through the CLI, and
 * judged by the exit-code test of README's init-container pattern, run by {@code sh}.
 */
class FirstDeploymentS3Test {

    private static final String BUCKET = "laststate-first-deploy";

    private static S3ProxyServer s3;

    @TempDir
    static Path home;

    @BeforeAll
    static void startS3() throws Exception {
        s3 = S3ProxyServer.start();
        s3.createBucket(BUCKET);
    }

    @AfterAll
    static void stopS3() throws Exception {
        s3.close();
    }

    private static Map<String, String> env() {
        return Map.of("AWS_ACCESS_KEY_ID", S3ProxyServer.ACCESS_KEY, "AWS_SECRET_ACCESS_KEY", S3ProxyServer.SECRET_KEY,
                "AWS_REGION", S3ProxyServer.REGION, "AWS_ENDPOINT_URL_S3", s3.endpoint().toString(), "HOME", home.toString());
    }

    @Test
    void aMistypedPrefixFailsThePatternWhileAnInitializedNewJobStartsEmptyAndThenRestores() throws Exception {
        String store = "s3://" + BUCKET + "/flink/checkpoints";
        String typo = "s3://" + BUCKET + "/flink/chekpoints";
        assertThat(Cli.succeeds(env(), "init", "--store", store).out()).startsWith("INITIALIZED s3://" + BUCKET
                + "/flink/checkpoints/last-state");
        assertThat(Cli.succeeds(env(), "init", "--store", store).out()).startsWith("ALREADY_INITIALIZED");

        Cli.Run mistyped = Cli.run(env(), "promote", "--store", typo, "--verify");
        Cli.Run first = Cli.run(env(), "promote", "--store", store, "--verify");

        assertThat(mistyped.exitCode()).as(mistyped.toString()).isEqualTo(ExitCodes.UNKNOWN_TARGET);
        assertThat(mistyped.err()).contains("laststate manages nothing at " + typo + "/last-state");
        assertThat(patternAccepts(mistyped.exitCode())).isFalse();
        assertThat(first.exitCode()).as(first.toString()).isEqualTo(ExitCodes.NOTHING_TO_PROMOTE);
        assertThat(patternAccepts(first.exitCode())).isTrue();
        Cli.Run resolveFirst = Cli.run(env(), "resolve", "--store", store);
        assertThat(resolveFirst.exitCode()).isEqualTo(ExitCodes.NOTHING_TO_PROMOTE);
        assertThat(resolveFirst.out()).as("no restore path on a first deployment").isEmpty();
        assertThat(Cli.run(env(), "resolve", "--store", typo).exitCode()).isEqualTo(ExitCodes.UNKNOWN_TARGET);
        assertThat(s3.keys(BUCKET, "flink/chekpoints/")).as("nothing is written at a typo").isEmpty();

        // The job ran and completed a checkpoint: the next deployment promotes it and restores from last-state.
        StoreUri checkpoints = StoreUri.parse(store);
        try (CheckpointStore opened = CheckpointStores.load().open(checkpoints, Map.of(), env())) {
            opened.write(checkpoints.resolve(JOB + "/chk-3/_metadata"), DeploymentPatternsTest.flinkMetadata(3),
                    WriteCondition.overwrite());
        }
        Cli.Run second = Cli.run(env(), "promote", "--store", store, "--verify");
        assertThat(second.exitCode()).as(second.toString()).isZero();
        assertThat(second.out()).startsWith("PROMOTED checkpoint 3");
        assertThat(Cli.succeeds(env(), "resolve", "--store", store).outLines()).containsExactly(store + "/last-state");
        assertThat(s3.keys(BUCKET, "flink/checkpoints/last-state/")).contains(
                "flink/checkpoints/last-state/_laststate-init.json", "flink/checkpoints/last-state/_laststate.json",
                "flink/checkpoints/last-state/_metadata");
    }

    @Test
    void aNewJobsPrefixIsUnknownUntilInitialized() {
        String store = "s3://" + BUCKET + "/flink/never-initialized";

        Cli.Run run = Cli.run(env(), "promote", "--store", store);

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.UNKNOWN_TARGET);
        assertThat(run.errLines()).singleElement().asString().contains("laststate init --store " + store);
        assertThat(Cli.run(env(), "list", "--store", store).exitCode()).isEqualTo(ExitCodes.UNKNOWN_TARGET);
    }

    /** README's init-container test of an exit code, {@code [ $rc -eq 0 ] || [ $rc -eq 3 ]}, run by sh. */
    private static boolean patternAccepts(int exitCode) throws Exception {
        Process sh = new ProcessBuilder(List.of("sh", "-c", "rc=$1; [ $rc -eq 0 ] || [ $rc -eq 3 ]", "sh",
                Integer.toString(exitCode))).start();
        assertThat(sh.waitFor(10, TimeUnit.SECONDS)).isTrue();
        return sh.exitValue() == 0;
    }
}
