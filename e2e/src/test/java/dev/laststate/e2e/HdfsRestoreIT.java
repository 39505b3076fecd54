package dev.laststate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.laststate.e2e.LastStateCli.Run;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.fs.FileSystem;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileUtil;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.hadoop.hdfs.DistributedFileSystem;
import org.apache.hadoop.hdfs.HdfsConfiguration;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * HDFS end to end: a real Flink job checkpoints through Flink's Hadoop file system support into an in-process
 * MiniDFSCluster, {@code laststate promote --store hdfs://...} (the cli's shaded jar, with its shaded Hadoop
 * client) promotes it, {@code verify} passes, and new jobs restore from {@code hdfs://.../last-state} (NO_CLAIM)
 * with every keyed counter continued; the restored job's newer checkpoints promote and restore in turn.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HdfsRestoreIT {

    /** Client side of the fast close (see the hdfs module): without it every small file's close waits ~170 ms. */
    private static final String FAST_CLOSE_CLIENT_KEY = "dfs.client.block.write.locateFollowingBlock.initial.delay.ms";

    private MiniDFSCluster hdfs;
    private DistributedFileSystem fs;
    private String root;
    private FlinkCluster flink;
    private LastStateCli laststate;

    @BeforeAll
    void start() throws Exception {
        org.apache.hadoop.conf.Configuration conf = new HdfsConfiguration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR,
                java.nio.file.Path.of("target", "minidfs", UUID.randomUUID().toString()).toAbsolutePath().toString());
        // A file may close while its last block is still being committed by the DataNode ...
        conf.setInt("dfs.namenode.file.close.num-committed-allowed", 1);
        // ... and this client polls for that after 10 ms instead of 400 ms.
        conf.setLong(FAST_CLOSE_CLIENT_KEY, 10);
        hdfs = new MiniDFSCluster.Builder(conf).numDataNodes(1).format(true).build();
        hdfs.waitActive();
        fs = hdfs.getFileSystem();
        root = "hdfs://127.0.0.1:" + hdfs.getNameNodePort();

        // Flink's Hadoop file system takes Hadoop keys from its configuration as flink.hadoop.<key>. The MiniCluster
        // does not initialize Flink's file systems itself (a TaskManager process would, from its flink-conf).
        org.apache.flink.configuration.Configuration flinkFs = new org.apache.flink.configuration.Configuration();
        flinkFs.setString("flink.hadoop." + FAST_CLOSE_CLIENT_KEY, "10");
        FileSystem.initialize(flinkFs, null);

        // Incremental RocksDB, for the relocated scenario's shared/ files; the round trip above works alike on it.
        flink = new FlinkCluster(FlinkCluster.Backend.ROCKSDB_INCREMENTAL);
        laststate = new LastStateCli();
    }

    @AfterAll
    void stop() throws Exception {
        // The cli's class loader stays open: its shaded Hadoop client leaves a daemon thread (PeerCache) and a JVM
        // shutdown hook behind, both loading classes lazily from it until the JVM exits.
        try {
            flink.close();
        } finally {
            FileSystem.initialize(new org.apache.flink.configuration.Configuration(), null); // the next class's defaults
            if (hdfs != null) {
                hdfs.shutdown(true);
            }
        }
    }

    @Test
    void checkpointOnHdfsPromotesVerifiesAndRestores() throws Exception {
        URI checkpoints = URI.create(root + "/flink/checkpoints");
        URI lastState = URI.create(checkpoints + "/last-state");

        JobClient first = flink.start("hdfs-first", checkpoints, Optional.empty(), false, 1);
        String firstId = first.getJobID().toString();
        awaitCheckpoint(firstId, checkpoints, 3);
        FlinkCluster.cancel(first);
        long id = latestCheckpoint(new Path(checkpoints + "/" + firstId)).orElseThrow();
        System.out.printf("MEASURED Flink wrote checkpoint %d of %s to HDFS: %d files%n", id, firstId,
                files(new Path(checkpoints + "/" + firstId + "/chk-" + id)).size());

        Run promote = laststate.run(cli("promote", "--store", checkpoints.toString(), "--job-id", firstId));
        assertThat(promote.exitCode()).as(promote.toString()).isZero();
        assertThat(promote.outLines().get(0)).startsWith("PROMOTED checkpoint " + id + " of job " + firstId);
        List<String> promoted = files(new Path(lastState));
        assertThat(promoted).as("state files, _metadata and the pointer record in last-state").hasSizeGreaterThan(2)
                .anyMatch(name -> name.endsWith("/last-state/_metadata"));

        Run verify = laststate.run(cli("verify", "--store", checkpoints.toString()));
        assertThat(verify.exitCode()).as(verify.toString()).isZero();
        assertThat(verify.out()).startsWith("RESTORABLE checkpoint " + id);

        // The old seed, _metadata alone, on HDFS: verify names what is missing.
        Path seed = new Path(root + "/flink/metadata-only");
        fs.mkdirs(seed);
        FileUtil.copy(fs, new Path(checkpoints + "/" + firstId + "/chk-" + id + "/_metadata"), fs, new Path(seed, "_metadata"),
                false, fs.getConf());
        Run verifySeed = laststate.run(cli("verify", "--target", seed.toString()));
        assertThat(verifySeed.exitCode()).as(verifySeed.toString()).isEqualTo(6);
        assertThat(verifySeed.out()).startsWith("NOT RESTORABLE").contains("missing: " + seed);

        JobClient second = flink.start("hdfs-second", checkpoints, Optional.of(lastState), false, 1);
        String secondId = second.getJobID().toString();
        Scenarios.assertCountersContinued("hdfs-second", id);
        awaitCheckpoint(secondId, checkpoints, id + 3);
        FlinkCluster.cancel(second);
        long newer = latestCheckpoint(new Path(checkpoints + "/" + secondId)).orElseThrow();
        assertThat(files(new Path(lastState))).as("NO_CLAIM: Flink left last-state alone").containsExactlyInAnyOrderElementsOf(promoted);

        Run again = laststate.run(cli("promote", "--store", checkpoints.toString(), "--job-id", secondId, "--verify"));
        assertThat(again.exitCode()).as(again.toString()).isZero();
        assertThat(again.outLines().get(0)).startsWith("PROMOTED checkpoint " + newer + " of job " + secondId);
        assertThat(again.outLines().get(1)).startsWith("RESTORABLE checkpoint " + newer);

        Scenarios.assertRestoresAndContinues(flink, "hdfs-third", checkpoints, lastState, newer);
    }

    /**
     * {@link RelocatedRunningJob} on HDFS: five relocated promotions of the running incremental job, Flink deletes
     * {@code shared/} files the last one was copied from, the job directory is deleted, and two restores from
     * {@code hdfs://.../last-state} continue every counter. The test looks with the MiniDFSCluster's own client.
     */
    @Test
    void relocatedPromotionsOfARunningJobOnHdfsRestoreAfterItsJobDirectoryIsGone() throws Exception {
        RelocatedRunningJob.Result result = RelocatedRunningJob.run(flink, new HdfsStorage(URI.create(root + "/flink/relocated")),
                "hdfs-relocated");
        assertThat(result.lastSources()).as("outside chk-n: RocksDB's shared/ files").allMatch(s -> s.contains("/shared/"));
    }

    /** Checkpoints below {@code checkpoints} on the MiniDFSCluster, seen through its own client, not laststate's. */
    private final class HdfsStorage implements RelocatedRunningJob.Storage {
        private final URI checkpoints;

        HdfsStorage(URI checkpoints) {
            this.checkpoints = checkpoints;
        }

        @Override
        public URI checkpoints() {
            return checkpoints;
        }

        @Override
        public OptionalLong latestCheckpoint(URI jobDir) {
            return HdfsRestoreIT.this.latestCheckpoint(new Path(jobDir));
        }

        @Override
        public boolean exists(URI file) {
            try {
                return fs.exists(new Path(file));
            } catch (IOException e) {
                throw new IllegalStateException("cannot stat " + file, e);
            }
        }

        @Override
        public Map<String, Long> files(URI dir) throws IOException {
            Map<String, Long> files = new TreeMap<>();
            Path root = new Path(dir);
            if (!fs.exists(root)) {
                return files;
            }
            String below = fs.makeQualified(root).toUri().getPath() + "/";
            RemoteIterator<LocatedFileStatus> it = fs.listFiles(root, true);
            while (it.hasNext()) {
                LocatedFileStatus file = it.next();
                files.put(file.getPath().toUri().getPath().substring(below.length()), file.getLen());
            }
            return files;
        }

        @Override
        public byte[] read(URI file) throws IOException {
            try (InputStream in = fs.open(new Path(file))) {
                return in.readAllBytes();
            }
        }

        @Override
        public void deleteRecursively(URI dir) throws IOException {
            fs.delete(new Path(dir), true);
        }

        @Override
        public Run laststate(String... args) {
            return HdfsRestoreIT.this.laststate.run(cli(args));
        }
    }

    /** The cli's arguments, with the client half of the fast close passed to its Hadoop client as an option. */
    private static String[] cli(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("-o", "hdfs." + FAST_CLOSE_CLIENT_KEY + "=10"));
        return all.toArray(String[]::new);
    }

    private void awaitCheckpoint(String jobId, URI checkpoints, long id) {
        Path jobDir = new Path(checkpoints + "/" + jobId);
        FlinkCluster.await("a checkpoint >= " + id + " in " + jobDir, () -> latestCheckpoint(jobDir).orElse(0) >= id);
    }

    /** The newest complete checkpoint id (a chk-n with _metadata) in {@code jobDir} on the MiniDFSCluster. */
    private OptionalLong latestCheckpoint(Path jobDir) {
        try {
            if (!fs.exists(jobDir)) {
                return OptionalLong.empty();
            }
            long latest = -1;
            for (FileStatus status : fs.listStatus(jobDir)) {
                String name = status.getPath().getName();
                if (status.isDirectory() && name.matches("chk-\\d+") && fs.exists(new Path(status.getPath(), "_metadata"))) {
                    latest = Math.max(latest, Long.parseLong(name.substring(4)));
                }
            }
            return latest < 0 ? OptionalLong.empty() : OptionalLong.of(latest);
        } catch (FileNotFoundException e) {
            // Flink deletes subsumed checkpoints while this lists; the next poll sees a stable directory.
            return OptionalLong.empty();
        } catch (IOException e) {
            throw new IllegalStateException("cannot list " + jobDir, e);
        }
    }

    /** Every file below {@code dir}, as paths (the test's own look, not how laststate lists). */
    private List<String> files(Path dir) throws IOException {
        List<String> files = new ArrayList<>();
        RemoteIterator<LocatedFileStatus> it = fs.listFiles(dir, true);
        while (it.hasNext()) {
            files.add(it.next().getPath().toUri().getPath());
        }
        return files;
    }
}
