package dev.laststate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.laststate.e2e.LastStateCli.Run;
import dev.laststate.s3.S3ProxyServer;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.plugin.DefaultPluginManager;
import org.apache.flink.core.plugin.PluginDescriptor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole round trip on S3: a real Flink job checkpoints into S3Proxy through Flink's own S3 file system
 * ({@code flink-s3-fs-hadoop}, loaded as a plugin as in a deployment, path-style access to the emulator's
 * endpoint), {@code laststate promote --store s3://...} promotes its newest checkpoint with server-side copies,
 * {@code laststate verify} passes, and a new job restores from {@code s3://.../last-state} with every counter
 * continued.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class S3RestoreIT {

    private static final String BUCKET = "flink";
    private static final String PREFIX = "e2e/checkpoints";
    // The cli's S3 store reads its credentials from the environment it is given, as from a pod's.
    private static final Map<String, String> S3_ENVIRONMENT = Map.of(
            "AWS_ACCESS_KEY_ID", S3ProxyServer.ACCESS_KEY, "AWS_SECRET_ACCESS_KEY", S3ProxyServer.SECRET_KEY);

    private S3ProxyServer s3;
    private FlinkCluster flink;
    private LastStateCli laststate;

    @BeforeAll
    void start() throws Exception {
        s3 = S3ProxyServer.start();
        s3.createBucket(BUCKET);
        Configuration s3Settings = new Configuration();
        s3Settings.setString("s3.endpoint", s3.endpoint().toString());
        s3Settings.setString("s3.path.style.access", "true");
        s3Settings.setString("s3.access-key", S3ProxyServer.ACCESS_KEY);
        s3Settings.setString("s3.secret-key", S3ProxyServer.SECRET_KEY);
        // Fail fast instead of Hadoop's minutes of retries when something is wrong with the emulator.
        s3Settings.setString("fs.s3a.attempts.maximum", "2");
        s3Settings.setString("fs.s3a.retry.limit", "2");
        initializeS3FileSystem(s3Settings);
        // Incremental RocksDB, for the relocated scenario's shared/ files; the round trip above works alike on it.
        flink = new FlinkCluster(FlinkCluster.Backend.ROCKSDB_INCREMENTAL, s3Settings);
        laststate = new LastStateCli();
    }

    /**
     * Flink's S3 file system as a plugin with a class loader of its own, as {@code plugins/s3-fs-hadoop/} in a
     * distribution: its jar carries unrelocated Hadoop, AWS SDK v1, Guava and Jackson that must not meet the
     * test class path's. A MiniCluster never initializes file systems itself; the JVM's Flink file systems are
     * static, so both the JobManager and the TaskManager of this JVM see it.
     */
    private static void initializeS3FileSystem(Configuration s3Settings) throws IOException {
        String jar = System.getProperty("flink.s3.fs.jar", "");
        if (jar.isEmpty() || !Files.isRegularFile(Path.of(jar))) {
            throw new IllegalStateException("no flink-s3-fs-hadoop jar at '" + jar + "': run the e2e tests with "
                    + "'mvn -B -pl e2e -am verify', which resolves org.apache.flink:flink-s3-fs-hadoop and passes its path");
        }
        PluginDescriptor plugin = new PluginDescriptor("s3-fs-hadoop", new URL[] {Path.of(jar).toUri().toURL()}, new String[0]);
        FileSystem.initialize(s3Settings, new DefaultPluginManager(List.of(plugin),
                CoreOptions.getPluginParentFirstLoaderPatterns(s3Settings)));
    }

    @AfterAll
    void stop() throws Exception {
        try {
            if (laststate != null) {
                laststate.close();
            }
            if (flink != null) {
                flink.close();
            }
        } finally {
            // The next test class in this JVM gets Flink's file systems without the emulator's S3.
            FileSystem.initialize(new Configuration(), null);
            if (s3 != null) {
                s3.close();
            }
        }
    }

    @Order(1)
    @Test
    void checkpointOnS3PromotesVerifiesAndRestores() throws Exception {
        URI checkpoints = URI.create("s3://" + BUCKET + "/" + PREFIX);
        JobClient first = flink.start("s3-first", checkpoints, Optional.empty(), false, 1);
        String jobId = first.getJobID().toString();
        org.apache.flink.core.fs.Path jobDir = new org.apache.flink.core.fs.Path(checkpoints + "/" + jobId);
        FlinkCluster.await("a checkpoint >= 3 in " + jobDir, () -> latestCheckpoint(jobDir).orElse(0) >= 3);
        FlinkCluster.cancel(first);
        long id = latestCheckpoint(jobDir).orElseThrow();
        List<String> checkpointKeys = s3.keys(BUCKET, PREFIX + "/" + jobId + "/chk-" + id + "/");
        assertThat(checkpointKeys).as("Flink wrote chk-%d through S3", id).anyMatch(k -> k.endsWith("/_metadata"));
        assertThat(checkpointKeys).as("state files beside _metadata (inline threshold 0)").hasSizeGreaterThan(1);

        String store = checkpoints.toString();
        Run promote = laststate.run(S3_ENVIRONMENT, s3Args("promote", "--store", store, "--job-id", jobId, "--verify"));
        assertThat(promote.exitCode()).as(promote.toString()).isZero();
        assertThat(promote.outLines().get(0)).startsWith("PROMOTED checkpoint " + id + " of job " + jobId);
        assertThat(promote.outLines().get(1)).startsWith("RESTORABLE checkpoint " + id);
        List<String> promoted = s3.keys(BUCKET, PREFIX + "/last-state/");
        System.out.printf("MEASURED S3 promote of checkpoint %d: %d objects in chk-%d, %d in last-state%n",
                id, checkpointKeys.size(), id, promoted.size());
        assertThat(promoted).as("_metadata, the state files and the pointer record in last-state")
                .contains(PREFIX + "/last-state/_metadata").hasSizeGreaterThan(2);

        Run verify = laststate.run(S3_ENVIRONMENT, s3Args("verify", "--store", store));
        assertThat(verify.exitCode()).as(verify.toString()).isZero();

        URI lastState = URI.create(store + "/last-state");
        Scenarios.assertRestoresAndContinues(flink, "s3-restored", checkpoints, lastState, id);
        assertThat(s3.keys(BUCKET, PREFIX + "/last-state/")).as("NO_CLAIM leaves last-state alone")
                .containsExactlyInAnyOrderElementsOf(promoted);
    }

    /**
     * {@link RelocatedRunningJob} on S3: five relocated promotions of the running incremental job (its {@code shared/}
     * objects copied server-side into {@code last-state/state/}), Flink deletes objects the last one was copied from,
     * the job's objects are all deleted, and two restores from {@code s3://.../last-state} continue every counter.
     * The test looks at the bucket through the emulator's own blob store.
     */
    @Order(2)
    @Test
    void relocatedPromotionsOfARunningJobOnS3RestoreAfterItsJobDirectoryIsGone() throws Exception {
        RelocatedRunningJob.Result result = RelocatedRunningJob.run(flink, new S3Storage("e2e/relocated"), "s3-relocated");
        assertThat(result.lastSources()).as("outside chk-n: RocksDB's shared/ objects").allMatch(s -> s.contains("/shared/"));
    }

    /**
     * A disaster-recovery copy: the incremental job checkpoints into S3 (S3Proxy) and laststate promotes it, while it
     * runs, into a target on the local file system ({@code --target} in another store, each object copied through
     * laststate); then every object of the job's checkpoints is deleted from the bucket (the region is gone), and the
     * job restores from the local copy with every counter continuing, twice.
     */
    @Order(3) // last: a job started after this test's five stalled its checkpoints on S3Proxy (seen twice)
    @Test
    void aCopyOnTheLocalFileSystemOfARunningJobOnS3RestoresWhenItsObjectsAreGone(@TempDir Path local) throws Exception {
        // Checkpoints are looked for in the emulator's blob store: Flink's S3 file system, used from this thread after
        // the earlier tests' jobs, met a closed user-code class loader (seen in CI).
        S3Storage storage = new S3Storage("e2e/across");
        URI checkpoints = storage.checkpoints();
        JobClient running = flink.start("s3-across", checkpoints, Optional.empty(), false, 1);
        String jobId = running.getJobID().toString();
        URI jobDir = URI.create(checkpoints + "/" + jobId);
        Path target = local.resolve("dr").resolve("last-state");
        long promoted = 0;
        for (int promotion = 1; promotion <= 3; promotion++) {
            long next = storage.latestCheckpoint(jobDir).orElse(0) + 2;
            FlinkCluster.await("a checkpoint >= " + next + " in " + jobDir, () -> storage.latestCheckpoint(jobDir).orElse(0) >= next);
            Run run = laststate.run(S3_ENVIRONMENT, s3Args("promote", "--store", checkpoints.toString(), "--job-id", jobId,
                    "--target", target.toString()));
            assertThat(run.exitCode()).as(run.toString()).isZero();
            long id = Long.parseLong(run.out().replaceFirst("(?s)^PROMOTED checkpoint (\\d+) .*", "$1"));
            assertThat(id).as("promotion %d", promotion).isGreaterThan(promoted);
            promoted = id;
            System.out.printf("MEASURED across stores (S3Proxy to the local file system), promotion %d: %s%n", promotion,
                    run.outLines().get(0));
        }
        FlinkCluster.cancel(running);
        s3.deleteAll(BUCKET, "e2e/across/");
        assertThat(s3.keys(BUCKET, "e2e/across/")).as("the job's objects are gone").isEmpty();

        Run verify = laststate.run(Map.of(), "verify", "--target", target.toString());
        assertThat(verify.exitCode()).as(verify.toString()).isZero();
        assertThat(verify.outLines().get(0)).startsWith("RESTORABLE checkpoint " + promoted).endsWith("self-contained");
        Scenarios.assertRestoresAndContinues(flink, "s3-across-restored", checkpoints, target.toUri(), promoted);
        Scenarios.assertRestoresAndContinues(flink, "s3-across-restored-again", checkpoints, target.toUri(), promoted);
    }

    /** Checkpoints below {@code prefix} of the bucket, seen in the emulator's blob store, not through S3 or laststate. */
    private final class S3Storage implements RelocatedRunningJob.Storage {
        private final String prefix;

        S3Storage(String prefix) {
            this.prefix = prefix;
        }

        @Override
        public URI checkpoints() {
            return URI.create("s3://" + BUCKET + "/" + prefix);
        }

        @Override
        public OptionalLong latestCheckpoint(URI jobDir) {
            return s3.keys(BUCKET, key(jobDir) + "/").stream()
                    .filter(k -> k.matches(".*/chk-\\d+/_metadata"))
                    .mapToLong(k -> Long.parseLong(k.replaceFirst(".*/chk-(\\d+)/_metadata", "$1")))
                    .max();
        }

        @Override
        public boolean exists(URI file) {
            return s3.exists(BUCKET, key(file));
        }

        @Override
        public Map<String, Long> files(URI dir) {
            String below = key(dir) + "/";
            Map<String, Long> files = new TreeMap<>();
            s3.sizes(BUCKET, below).forEach((k, size) -> files.put(k.substring(below.length()), size));
            return files;
        }

        @Override
        public byte[] read(URI file) throws IOException {
            return s3.read(BUCKET, key(file));
        }

        @Override
        public void deleteRecursively(URI dir) {
            s3.deleteAll(BUCKET, key(dir) + "/");
        }

        @Override
        public Run laststate(String... args) {
            return S3RestoreIT.this.laststate.run(S3_ENVIRONMENT, s3Args(args));
        }

        /** The object key of an {@code s3://flink/...} location. */
        private static String key(URI location) {
            assertThat(location.getScheme()).isEqualTo("s3");
            assertThat(location.getAuthority()).isEqualTo(BUCKET);
            return location.getPath().replaceFirst("^/", "").replaceFirst("/$", "");
        }
    }

    /** The cli's arguments with the emulator's endpoint and region (credentials come from S3_ENVIRONMENT). */
    private String[] s3Args(String... args) {
        String[] all = Arrays.copyOf(args, args.length + 4);
        all[args.length] = "-o";
        all[args.length + 1] = "s3.endpoint=" + s3.endpoint();
        all[args.length + 2] = "-o";
        all[args.length + 3] = "s3.region=" + S3ProxyServer.REGION;
        return all;
    }

    /** The newest complete checkpoint (a chk-n with _metadata) below {@code jobDir}, read through Flink's S3 file system. */
    private static OptionalLong latestCheckpoint(org.apache.flink.core.fs.Path jobDir) {
        try {
            FileSystem fs = jobDir.getFileSystem();
            if (!fs.exists(jobDir)) {
                return OptionalLong.empty();
            }
            OptionalLong newest = OptionalLong.empty();
            for (FileStatus entry : fs.listStatus(jobDir)) {
                String name = entry.getPath().getName();
                if (name.matches("chk-\\d+") && fs.exists(new org.apache.flink.core.fs.Path(entry.getPath(), "_metadata"))) {
                    long n = Long.parseLong(name.substring(4));
                    newest = newest.isPresent() && newest.getAsLong() >= n ? newest : OptionalLong.of(n);
                }
            }
            return newest;
        } catch (IOException e) {
            // Flink deletes subsumed checkpoints while this lists; the next poll sees a stable listing.
            return OptionalLong.empty();
        }
    }
}
