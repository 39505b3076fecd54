package dev.laststate.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.RemoteStreamEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * One real Flink MiniCluster (one JobManager, one TaskManager with 4 slots) with its REST endpoint on
 * 127.0.0.1 and a free port; jobs reach it through a remote environment, as a deployment's client would.
 */
final class FlinkCluster implements AutoCloseable {

    static final Duration CHECKPOINT_INTERVAL = Duration.ofMillis(150);
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    /** The state backend of a test class's jobs, and how they checkpoint. */
    enum Backend {
        HASHMAP("hashmap", false, false),
        ROCKSDB_INCREMENTAL("rocksdb", true, false),
        /**
         * Incremental RocksDB with file merging ({@code execution.checkpointing.file-merging.enabled}, Flink 1.20
         * and 2.x): state files are segments of physical files shared within a checkpoint, in {@code shared/} and
         * {@code taskowned/}.
         */
        ROCKSDB_INCREMENTAL_FILE_MERGING("rocksdb", true, true),
        /** Incremental ForSt ({@code flink-statebackend-forst}, Flink 2.x only: needs it on the class path). */
        FORST_INCREMENTAL("forst", true, false);

        private final String type;
        private final boolean incremental;
        private final boolean fileMerging;

        Backend(String type, boolean incremental, boolean fileMerging) {
            this.type = type;
            this.incremental = incremental;
            this.fileMerging = fileMerging;
        }
    }

    private final MiniCluster cluster;
    private final URI rest;
    private final Backend backend;

    FlinkCluster(Backend backend) throws Exception {
        this(backend, new Configuration());
    }

    /** As above, with {@code extra} added to the cluster's configuration (a file system's settings). */
    FlinkCluster(Backend backend, Configuration extra) throws Exception {
        this.backend = backend;
        Configuration config = new Configuration();
        config.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        config.set(RestOptions.ADDRESS, "127.0.0.1");
        config.set(RestOptions.BIND_PORT, "0");
        config.setString("jobmanager.rpc.address", "127.0.0.1");
        config.setString("jobmanager.bind-host", "127.0.0.1");
        config.setString("taskmanager.host", "127.0.0.1");
        config.setString("taskmanager.bind-host", "127.0.0.1");
        config.setString("taskmanager.memory.managed.size", "64m");
        config.setString("taskmanager.memory.network.min", "32m");
        config.setString("taskmanager.memory.network.max", "32m");
        // Flink 1.20 takes the state backend's and checkpoint storage's settings from the cluster, 2.x from the job.
        config.addAll(stateSettings(backend));
        config.addAll(extra);
        cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(config).setNumTaskManagers(1).setNumSlotsPerTaskManager(4).build());
        cluster.start();
        rest = cluster.getRestAddress().get();
    }

    URI restAddress() {
        return rest;
    }

    /** Starts the counter job checkpointing into {@code checkpoints}, restored from {@code restoreFrom} when given. */
    JobClient start(String run, Path checkpoints, Optional<Path> restoreFrom, boolean claim) throws Exception {
        return start(run, checkpoints, restoreFrom, claim, 1);
    }

    /** As above, retaining {@code retained} checkpoints. */
    JobClient start(String run, Path checkpoints, Optional<Path> restoreFrom, boolean claim, int retained) throws Exception {
        return start(run, run, checkpoints.toUri(), restoreFrom.map(Path::toUri), claim, retained);
    }

    /** As above, under the Flink job name {@code jobName} (a redeployed job keeps its name). */
    JobClient start(String run, String jobName, Path checkpoints, Optional<Path> restoreFrom, boolean claim, int retained)
            throws Exception {
        return start(run, jobName, checkpoints.toUri(), restoreFrom.map(Path::toUri), claim, retained);
    }

    /** As above, for directories on any file system Flink serves ({@code file:}, {@code hdfs:}, ...). */
    JobClient start(String run, URI checkpoints, Optional<URI> restoreFrom, boolean claim, int retained) throws Exception {
        return start(run, run, checkpoints, restoreFrom, claim, retained);
    }

    /** As above, under the Flink job name {@code jobName}, for directories on any file system Flink serves. */
    JobClient start(String run, String jobName, URI checkpoints, Optional<URI> restoreFrom, boolean claim, int retained)
            throws Exception {
        Configuration job = new Configuration();
        job.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, CHECKPOINT_INTERVAL);
        job.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toString());
        job.set(CheckpointingOptions.MAX_RETAINED_CHECKPOINTS, retained);
        job.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION, ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        job.addAll(stateSettings(backend));
        job.setString(RestartStrategyOptions.RESTART_STRATEGY.key(), "none"); // a failed restore fails the job, visibly
        // A checkpoint stuck on one of an emulator's requests is aborted after 10 s and the next one starts, instead of
        // holding every later checkpoint for Flink's default 10 minutes (seen on S3Proxy: a running job's checkpoints
        // stopped for over a minute). Such aborted checkpoints do not fail the job.
        job.setString("execution.checkpointing.timeout", "10 s");
        job.setString("execution.checkpointing.tolerable-failed-checkpoints", "1000");
        SavepointRestoreSettings restore = SavepointRestoreSettings.none();
        if (restoreFrom.isPresent()) {
            String path = restoreFrom.get().toString();
            restore = claim ? claim(path) : SavepointRestoreSettings.forPath(path, false); // default claim mode: NO_CLAIM
        }
        // Restore settings through the constructor: the remote environment writes them over the configuration's.
        StreamExecutionEnvironment env = new RemoteStreamEnvironment(rest.getHost(), rest.getPort(), job, new String[0], new URL[0], restore);
        return CounterJob.submit(env, run, jobName);
    }

    private static Configuration stateSettings(Backend backend) {
        Configuration config = new Configuration();
        // Inline threshold 0: every state handle is a file, so a _metadata-only copy cannot pass by accident.
        config.set(CheckpointingOptions.FS_SMALL_FILE_THRESHOLD, MemorySize.ZERO);
        config.set(StateBackendOptions.STATE_BACKEND, backend.type);
        config.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, backend.incremental);
        if (backend.fileMerging) {
            config.set(CheckpointingOptions.FILE_MERGING_ENABLED, true);
        }
        return config;
    }

    /**
     * {@code SavepointRestoreSettings.forPath(path, false, CLAIM)}, found by reflection: the claim mode enum is
     * {@code RestoreMode} in 1.20 and {@code RecoveryClaimMode} in 2.x.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static SavepointRestoreSettings claim(String path) throws ReflectiveOperationException {
        for (Method method : SavepointRestoreSettings.class.getMethods()) {
            if (method.getName().equals("forPath") && method.getParameterCount() == 3) {
                Class<? extends Enum> mode = (Class<? extends Enum>) method.getParameterTypes()[2];
                return (SavepointRestoreSettings) method.invoke(null, path, false, Enum.valueOf(mode, "CLAIM"));
            }
        }
        throw new NoSuchMethodException("SavepointRestoreSettings.forPath(String, boolean, claim mode)");
    }

    /** Cancels the job and waits until it is cancelled (its last checkpoint is retained). */
    /** A job that ran until a checkpoint completed and was then cancelled: its id and its last checkpoint. */
    record StoppedJob(String jobId, long lastCheckpoint) {}

    /** As below, under the Flink job name {@code run}. */
    StoppedJob checkpointThenCancel(String run, Path checkpoints, long atLeast) throws Exception {
        return checkpointThenCancel(run, run, checkpoints, atLeast);
    }

    /**
     * Runs the counter job from an empty start, under the Flink job name {@code jobName}, until checkpoint
     * {@code atLeast} is complete in {@code checkpoints}, then cancels it.
     */
    StoppedJob checkpointThenCancel(String run, String jobName, Path checkpoints, long atLeast) throws Exception {
        JobClient job = start(run, jobName, checkpoints, Optional.empty(), false, 1);
        String jobId = job.getJobID().toString();
        awaitCheckpoint(checkpoints.resolve(jobId), atLeast);
        cancel(job);
        return new StoppedJob(jobId, latestCheckpoint(checkpoints.resolve(jobId)).orElseThrow());
    }

    static void cancel(JobClient job) throws Exception {
        job.cancel().get();
        await("job " + job.getJobID() + " cancelled", () -> status(job) == JobStatus.CANCELED);
    }

    static JobStatus status(JobClient job) {
        try {
            return job.getJobStatus().get();
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the status of " + job.getJobID(), e);
        }
    }

    /** The newest complete checkpoint id (a chk-n with _metadata) in {@code jobDir}. */
    static OptionalLong latestCheckpoint(Path jobDir) {
        if (!Files.isDirectory(jobDir)) {
            return OptionalLong.empty();
        }
        try (Stream<Path> entries = Files.list(jobDir)) {
            return entries.filter(p -> p.getFileName().toString().matches("chk-\\d+"))
                    .filter(p -> Files.isRegularFile(p.resolve("_metadata")))
                    .mapToLong(p -> Long.parseLong(p.getFileName().toString().substring(4)))
                    .max();
        } catch (IOException e) {
            // Flink deletes subsumed checkpoints while this lists; the next poll sees a stable directory.
            return OptionalLong.empty();
        }
    }

    /** Waits until {@code jobDir} holds a complete checkpoint with id at least {@code id}; returns the newest id. */
    static long awaitCheckpoint(Path jobDir, long id) {
        await("a checkpoint >= " + id + " in " + jobDir, () -> latestCheckpoint(jobDir).orElse(0) >= id);
        return latestCheckpoint(jobDir).orElseThrow();
    }

    static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + TIMEOUT.toSeconds() + " s waiting for " + what);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what, e);
            }
        }
    }

    /** Regular files below {@code dir}, for measuring what Flink deleted. */
    static long countFiles(Path dir) {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    @Override
    public void close() throws Exception {
        cluster.close();
    }
}
