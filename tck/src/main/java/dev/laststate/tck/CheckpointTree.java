package dev.laststate.tck;

import dev.laststate.flink.FlinkLayout;
import dev.laststate.store.CheckpointStore;
import dev.laststate.store.StoreException;
import dev.laststate.store.StoreUri;
import dev.laststate.store.WriteCondition;
import dev.laststate.store.file.FileCheckpointStore;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

/**
 * Writes Flink-shaped checkpoint trees into a store, the way Flink does: a checkpoint's exclusive state
 * files first, its {@code _metadata} (with Flink's header naming the checkpoint id) last. A tree in a local
 * directory ({@link #inDirectory}) also pins when each snapshot completed.
 */
public final class CheckpointTree {

    /** A job id for tests. */
    public static final String JOB = "a1b2c3d4e5f60718293a4b5c6d7e8f90";
    /** Another job id for tests. */
    public static final String OTHER_JOB = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";

    /** When {@code chk-0} of a tree in a local directory completed; {@code chk-<id>} completed {@code id} minutes later. */
    public static final Instant BASE = Instant.parse("2025-03-01T10:00:00Z");

    private static final int METADATA_MAGIC = 0x4960672d;
    /** Flink's Java serialization of "no checkpoint properties", which ends format version 4. */
    private static final byte[] NO_CHECKPOINT_PROPERTIES = {(byte) 0xac, (byte) 0xed, 0x00, 0x05, 0x70};

    private final CheckpointStore store;
    private final StoreUri checkpoints;
    private final boolean pinsCompletionTimes;

    public CheckpointTree(CheckpointStore store, StoreUri checkpoints) {
        this(store, checkpoints, false);
    }

    private CheckpointTree(CheckpointStore store, StoreUri checkpoints, boolean pinsCompletionTimes) {
        this.store = store;
        this.checkpoints = checkpoints;
        this.pinsCompletionTimes = pinsCompletionTimes;
    }

    /**
     * A tree in the local directory {@code root}, written through the local store. A local snapshot completed
     * when its {@code _metadata} was last modified, which a test can set: each {@code chk-<id>} is pinned to
     * {@link #BASE} plus {@code id} minutes (a savepoint too, until {@link #completedAt} moves it), so tests
     * can name the times and order jobs by them.
     */
    public static CheckpointTree inDirectory(Path root) {
        return new CheckpointTree(new FileCheckpointStore(), StoreUri.ofLocalPath(root.toString()), true);
    }

    /**
     * The usual case: {@code chk-9}, {@code chk-10} and {@code chk-12} of {@link #JOB} complete with two state
     * files each, {@code chk-13} still in progress, and files in the job's {@code shared/} that a promotion
     * must leave where they are.
     */
    public CheckpointTree standard() throws Exception {
        checkpoint(JOB, 9, 2);
        checkpoint(JOB, 10, 2);
        checkpoint(JOB, 12, 2);
        incompleteCheckpoint(JOB, 13, 2);
        sharedFiles(JOB, 3);
        return this;
    }

    /** The checkpoint directory this tree writes into. */
    public StoreUri checkpoints() {
        return checkpoints;
    }

    /** {@code <checkpoints>/last-state}, where a promotion writes by default. */
    public StoreUri lastState() {
        return checkpoints.resolve(FlinkLayout.DEFAULT_TARGET);
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

    /**
     * A complete {@code chk-<id>} with {@code stateFiles} exclusive files whose {@code _metadata} also references
     * {@code shared} by absolute location, as an incremental checkpoint references {@code <job>/shared/} files;
     * returns its directory.
     */
    public StoreUri checkpointReferencing(String jobId, long id, int stateFiles, List<StoreUri> shared) throws StoreException {
        StoreUri dir = jobDir(jobId).resolve("chk-" + id);
        Map<String, Long> files = new LinkedHashMap<>();
        for (int i = 0; i < stateFiles; i++) {
            store.write(dir.resolve(stateFileName(jobId, id, i)), stateFile(jobId, id, i), WriteCondition.overwrite());
            files.put(stateFileName(jobId, id, i), (long) stateFile(jobId, id, i).length);
        }
        for (StoreUri file : shared) {
            files.put(file.toString(), store.stat(file).orElseThrow(() -> new IllegalStateException("no " + file)).size());
        }
        store.write(dir.resolve(FlinkLayout.METADATA), metadata(jobId, id, files), WriteCondition.overwrite());
        if (pinsCompletionTimes) {
            completedAt(dir, BASE.plusSeconds(60 * id));
        }
        return dir;
    }

    /** A file {@code name} in the job's {@code shared/} directory holding {@code content}; returns where it is. */
    public StoreUri sharedFile(String jobId, String name, String content) throws StoreException {
        StoreUri file = jobDir(jobId).resolve(FlinkLayout.SHARED).resolve(name);
        store.write(file, content.getBytes(StandardCharsets.UTF_8), WriteCondition.overwrite());
        return file;
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

    /** Moves when the snapshot in {@code dir} completed; only a tree in a local directory can. */
    public void completedAt(StoreUri dir, Instant when) {
        if (!pinsCompletionTimes) {
            throw new IllegalStateException("only a tree in a local directory can set when " + dir + " completed");
        }
        try {
            Files.setLastModifiedTime(dir.resolve(FlinkLayout.METADATA).toLocalPath(), FileTime.from(when));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A complete savepoint, as {@link #savepoint(StoreUri, String, long, int)}, that completed at {@code completedAt}. */
    public StoreUri savepoint(StoreUri savepointDir, String jobId, long id, int stateFiles, Instant completedAt) throws StoreException {
        StoreUri dir = savepoint(savepointDir, jobId, id, stateFiles);
        completedAt(dir, completedAt);
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

    /** The bytes of a {@code _metadata} for checkpoint {@code id} of {@code jobId} that references no state file. */
    public static byte[] metadata(String jobId, long id) {
        return metadata(jobId, id, new LinkedHashMap<>());
    }

    /**
     * The bytes of a {@code _metadata} for checkpoint {@code id} of {@code jobId}, exactly as Flink 1.20 and 2.3 write
     * format version 4 (the newest both read): one operator, whose id is the job's, and for each of
     * {@code stateFiles} (in iteration order: a name relative to the snapshot directory, the way Flink refers to a
     * snapshot's exclusive files, or an absolute location, the way it refers to {@code shared/} files; and its size)
     * one subtask holding it as operator state. The verify module's tests prove the
     * bytes equal what Flink's own serializer writes and that Flink reads them back.
     */
    public static byte[] metadata(String jobId, long id, Map<String, Long> stateFiles) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(METADATA_MAGIC);
            out.writeInt(4);
            out.writeLong(id);
            out.writeInt(0); // master states
            out.writeInt(1); // operator states
            out.writeLong(Long.parseUnsignedLong(FlinkLayout.requireJobId(jobId).substring(16), 16)); // operator id, lower
            out.writeLong(Long.parseUnsignedLong(jobId.substring(0, 16), 16)); // and upper part
            out.writeInt(Math.max(1, stateFiles.size())); // parallelism
            out.writeInt(Math.max(128, stateFiles.size())); // max parallelism
            out.writeByte(0); // no coordinator state
            out.writeInt(stateFiles.size());
            int subtask = 0;
            for (Map.Entry<String, Long> file : stateFiles.entrySet()) {
                out.writeInt(subtask++);
                out.writeInt(1); // one managed operator state handle:
                out.writeByte(4); // a partitionable operator state handle
                out.writeInt(0); // without named states
                if (file.getKey().contains(":")) {
                    out.writeByte(2); // on a file by absolute location (shared/, taskowned/)
                    out.writeLong(file.getValue());
                    out.writeUTF(file.getKey());
                } else {
                    out.writeByte(6); // on a file relative to _metadata
                    out.writeUTF(file.getKey());
                    out.writeLong(file.getValue());
                }
                out.write(new byte[14]); // no raw operator, keyed or channel state
            }
            out.write(NO_CHECKPOINT_PROPERTIES);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** The {@code _metadata} that {@link #checkpoint} and {@link #savepoint} write for a snapshot of {@code stateFiles} files. */
    public static byte[] snapshotMetadata(String jobId, long id, int stateFiles) {
        Map<String, Long> files = new LinkedHashMap<>();
        for (int i = 0; i < stateFiles; i++) {
            files.put(stateFileName(jobId, id, i), (long) stateFile(jobId, id, i).length);
        }
        return metadata(jobId, id, files);
    }

    private static byte[] stateFile(String jobId, long id, int i) {
        return ("state " + i + " of checkpoint " + id + " of job " + jobId).repeat(8).getBytes(StandardCharsets.UTF_8);
    }

    private void writeSnapshot(StoreUri dir, String jobId, long id, int stateFiles, boolean complete) throws StoreException {
        for (int i = 0; i < stateFiles; i++) {
            store.write(dir.resolve(stateFileName(jobId, id, i)), stateFile(jobId, id, i), WriteCondition.overwrite());
        }
        if (complete) {
            store.write(dir.resolve(FlinkLayout.METADATA), snapshotMetadata(jobId, id, stateFiles), WriteCondition.overwrite());
            if (pinsCompletionTimes) {
                completedAt(dir, BASE.plusSeconds(60 * id));
            }
        }
    }

    private static String stateFileName(String jobId, long id, int i) {
        return UUID.nameUUIDFromBytes((jobId + "/" + id + "/" + i).getBytes(StandardCharsets.UTF_8)).toString();
    }
}
