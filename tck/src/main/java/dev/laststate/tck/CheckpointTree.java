package dev.laststate.tck;

import dev.laststate.flink.FlinkLayout;
import dev.laststate.store.CheckpointStore;
import dev.laststate.store.StoreException;
import dev.laststate.store.StoreUri;
import dev.laststate.store.WriteCondition;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

/**
 * Writes Flink-shaped checkpoint trees into a store, the way Flink does: a checkpoint's exclusive state
 * files first, its {@code _metadata} (with Flink's header naming the checkpoint id) last.
 */
public final class CheckpointTree {

    /** A job id for tests. */
    public static final String JOB = "a1b2c3d4e5f60718293a4b5c6d7e8f90";
    /** Another job id for tests. */
    public static final String OTHER_JOB = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";

    private final CheckpointStore store;
    private final StoreUri checkpoints;

    public CheckpointTree(CheckpointStore store, StoreUri checkpoints) {
        this.store = store;
        this.checkpoints = checkpoints;
    }

    /** The checkpoint directory this tree writes into. */
    public StoreUri checkpoints() {
        return checkpoints;
    }

    /** {@code <checkpoints>/<jobId>}. */
    public StoreUri jobDir(String jobId) {
        return checkpoints.resolve(jobId);
    }

    /** A complete {@code chk-<id>} with {@code stateFiles} exclusive files; returns its directory. */
    public StoreUri checkpoint(String jobId, long id, int stateFiles) throws StoreException {
        StoreUri dir = jobDir(jobId).resolve("chk-" + id);
        writeSnapshot(dir, jobId, id, stateFiles, true);
        return dir;
    }

    /** A {@code chk-<id>} still being written: state files, no {@code _metadata}. */
    public StoreUri incompleteCheckpoint(String jobId, long id, int stateFiles) throws StoreException {
        StoreUri dir = jobDir(jobId).resolve("chk-" + id);
        writeSnapshot(dir, jobId, id, stateFiles, false);
        return dir;
    }

    /** A complete savepoint of {@code jobId} in {@code savepointDir}; returns its directory. */
    public StoreUri savepoint(StoreUri savepointDir, String jobId, long id, int stateFiles) throws StoreException {
        String suffix = String.format("%012x", (id * 0x9E3779B97F4AL) & 0xFFFFFFFFFFFFL);
        StoreUri dir = savepointDir.resolve("savepoint-" + jobId.substring(0, 6) + "-" + suffix);
        writeSnapshot(dir, jobId, id, stateFiles, true);
        return dir;
    }

    /**
     * {@code count} files in the job's {@code shared/} directory, as incremental RocksDB keeps them; written
     * 16 at a time, since tests seed thousands of them on stores where each write is a request.
     */
    public void sharedFiles(String jobId, int count) throws Exception {
        StoreUri shared = jobDir(jobId).resolve(FlinkLayout.SHARED);
        StoreConcurrency.forEachInParallel(16, IntStream.range(0, count).boxed().toList(), i -> store.write(
                shared.resolve(UUID.nameUUIDFromBytes((jobId + "/shared/" + i).getBytes(StandardCharsets.UTF_8)).toString()),
                ("shared " + i).getBytes(StandardCharsets.UTF_8), WriteCondition.overwrite()));
    }

    /** The names a snapshot written by this class holds (state files, then {@code _metadata}). */
    public static List<String> fileNames(String jobId, long id, int stateFiles) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < stateFiles; i++) {
            names.add(stateFileName(jobId, id, i));
        }
        names.add(FlinkLayout.METADATA);
        return names;
    }

    /** The bytes of a {@code _metadata} for checkpoint {@code id}: Flink's header, then a body. */
    public static byte[] metadata(String jobId, long id) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(FlinkLayout.metadataHeader(id));
        out.writeBytes(("metadata of checkpoint " + id + " of job " + jobId).getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private void writeSnapshot(StoreUri dir, String jobId, long id, int stateFiles, boolean complete) throws StoreException {
        for (int i = 0; i < stateFiles; i++) {
            String name = stateFileName(jobId, id, i);
            store.write(dir.resolve(name), ("state " + i + " of checkpoint " + id + " of job " + jobId).repeat(8)
                    .getBytes(StandardCharsets.UTF_8), WriteCondition.overwrite());
        }
        if (complete) {
            store.write(dir.resolve(FlinkLayout.METADATA), metadata(jobId, id), WriteCondition.overwrite());
        }
    }

    private static String stateFileName(String jobId, long id, int i) {
        return UUID.nameUUIDFromBytes((jobId + "/" + id + "/" + i).getBytes(StandardCharsets.UTF_8)).toString();
    }
}
