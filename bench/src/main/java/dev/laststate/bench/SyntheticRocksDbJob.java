package dev.laststate.bench;

import dev.laststate.flink.FlinkLayout;
import dev.laststate.store.CheckpointStore;
import dev.laststate.store.StoreUri;
import dev.laststate.store.WriteCondition;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.core.fs.Path;
import org.apache.flink.runtime.checkpoint.CheckpointProperties;
import org.apache.flink.runtime.checkpoint.CheckpointRetentionPolicy;
import org.apache.flink.runtime.checkpoint.Checkpoints;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.apache.flink.runtime.checkpoint.metadata.MetadataSerializers;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.state.IncrementalKeyedStateHandle.HandleAndLocalPath;
import org.apache.flink.runtime.state.IncrementalRemoteKeyedStateHandle;
import org.apache.flink.runtime.state.KeyGroupRange;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.runtime.state.StateHandleID;
import org.apache.flink.runtime.state.filesystem.FileStateHandle;
import org.apache.flink.runtime.state.filesystem.RelativeFileStateHandle;

/**
 * The storage a RocksDB job with incremental checkpoints leaves, written without Flink running: one keyed operator
 * of {@value #SUBTASKS} subtasks over {@value #MAX_PARALLELISM} key groups, its SST files in
 * {@code <job>/shared/<uuid>} (absolute {@link FileStateHandle}s, as Flink writes shared state), and per checkpoint
 * {@code chk-<n>/} with each subtask's private files (MANIFEST, OPTIONS, CURRENT) and meta state handle under
 * random UUID names ({@link RelativeFileStateHandle}s, as Flink writes exclusive state) and the {@code _metadata}
 * Flink's own serializer writes (format version {@value #METADATA_VERSION}, Flink 2's) from
 * {@link IncrementalRemoteKeyedStateHandle}s. Every file holds random bytes.
 *
 * <p>Like Flink with {@code state.checkpoints.num-retained: 1}, completing {@code chk-<n>} discards
 * {@code chk-<n-1>} ({@code _metadata} first) and the shared files no checkpoint references any more.
 */
final class SyntheticRocksDbJob {

    static final int SUBTASKS = 4;
    static final int MAX_PARALLELISM = 128;
    static final int METADATA_VERSION = 6;
    /** Each subtask's private files and meta state handle, per checkpoint (local name, bytes). */
    static final int MANIFEST_BYTES = 64 * 1024;
    static final int OPTIONS_BYTES = 16 * 1024;
    static final int META_BYTES = 8 * 1024;
    static final int PRIVATE_FILES_PER_SUBTASK = 4;

    private static final int WRITE_THREADS = 8;

    /** A shared SST file: where it lies, its size, and the name RocksDB knows it by. */
    record Sst(StoreUri uri, long size, String localName) {}

    /**
     * What one checkpoint wrote ("uploaded"), and every file its {@code _metadata} references.
     *
     * @param newSsts the SST files first uploaded by it
     * @param uploadedFiles its new SSTs, private files and {@code _metadata}
     * @param uploadedBytes their bytes: what Flink wrote to storage for it
     * @param metadataBytes the size of its {@code _metadata}
     * @param referenced every file its {@code _metadata} names
     */
    record Checkpoint(long id, StoreUri directory, int newSsts, int uploadedFiles, long uploadedBytes, long metadataBytes,
                      List<StoreUri> referenced) {}

    private final CheckpointStore store;
    private final StoreUri jobDirectory;
    private final StoreUri shared;
    private final OperatorID operator = new OperatorID(0x1ab5_7a7eL, 0xbe4c_b000L);
    private final UUID[] backends = new UUID[SUBTASKS];
    private final List<Deque<Sst>> live = new ArrayList<>();
    private final int[] nextFileNumber = new int[SUBTASKS];
    private final AtomicLong seeds = new AtomicLong(1);
    private int nextSubtask;
    private long nextId = 1;
    private Optional<Checkpoint> previous = Optional.empty();
    private final List<Sst> replaced = new ArrayList<>();

    SyntheticRocksDbJob(CheckpointStore store, StoreUri checkpoints, String jobId) {
        this.store = store;
        this.jobDirectory = checkpoints.resolve(jobId);
        this.shared = jobDirectory.resolve(FlinkLayout.SHARED);
        for (int s = 0; s < SUBTASKS; s++) {
            backends[s] = new UUID(0x0c4e_5eedL, s);
            live.add(new ArrayDeque<>());
            nextFileNumber[s] = 10;
        }
    }

    /** The first checkpoint: {@code count} new SSTs of {@code bytes} each, spread over the subtasks. */
    Checkpoint first(int count, int bytes) throws Exception {
        return checkpoint(count, bytes, false);
    }

    /** A later checkpoint: {@code count} new SSTs of {@code bytes} each, replacing as many of the oldest. */
    Checkpoint next(int count, int bytes) throws Exception {
        return checkpoint(count, bytes, true);
    }

    /** The SST files the newest checkpoint references. */
    long liveSstFiles() {
        return live.stream().mapToLong(Deque::size).sum();
    }

    long liveSstBytes() {
        return live.stream().flatMap(Deque::stream).mapToLong(Sst::size).sum();
    }

    private Checkpoint checkpoint(int count, int bytes, boolean replacing) throws Exception {
        long id = nextId++;
        StoreUri directory = jobDirectory.resolve("chk-" + id);
        List<Sst> added = new ArrayList<>();
        long[] newBytes = new long[SUBTASKS];
        for (int k = 0; k < count; k++) {
            int subtask = nextSubtask;
            nextSubtask = (nextSubtask + 1) % SUBTASKS;
            if (replacing) {
                replaced.add(live.get(subtask).removeFirst());
            }
            Sst sst = new Sst(shared.resolve(UUID.randomUUID().toString()), bytes, sstName(subtask));
            live.get(subtask).addLast(sst);
            added.add(sst);
            newBytes[subtask] += bytes;
        }

        List<Upload> uploads = new ArrayList<>();
        added.forEach(sst -> uploads.add(Upload.random(sst.uri(), (int) sst.size(), seeds.getAndIncrement())));
        List<HandleAndLocalPath>[] privates = privateFiles(directory, uploads, newBytes);
        List<RelativeFileStateHandle> metas = new ArrayList<>();
        for (int s = 0; s < SUBTASKS; s++) {
            String name = UUID.randomUUID().toString();
            uploads.add(Upload.random(directory.resolve(name), META_BYTES, seeds.getAndIncrement()));
            metas.add(exclusive(directory, name, META_BYTES));
            newBytes[s] += META_BYTES;
        }
        writeAll(uploads);

        OperatorState state = new OperatorState(null, null, operator, SUBTASKS, MAX_PARALLELISM);
        List<StoreUri> referenced = new ArrayList<>();
        for (int s = 0; s < SUBTASKS; s++) {
            List<HandleAndLocalPath> sharedHandles = new ArrayList<>();
            for (Sst sst : live.get(s)) {
                sharedHandles.add(HandleAndLocalPath.of(new FileStateHandle(new Path(sst.uri().toString()), sst.size()), sst.localName()));
                referenced.add(sst.uri());
            }
            privates[s].forEach(p -> referenced.add(directory.resolve(((RelativeFileStateHandle) p.getHandle()).getRelativePath())));
            referenced.add(directory.resolve(metas.get(s).getRelativePath()));
            KeyGroupRange range = KeyGroupRangeAssignment.computeKeyGroupRangeForOperatorIndex(MAX_PARALLELISM, SUBTASKS, s);
            IncrementalRemoteKeyedStateHandle handle = IncrementalRemoteKeyedStateHandle.restore(backends[s], range, id,
                    sharedHandles, privates[s], metas.get(s), newBytes[s], new StateHandleID(UUID.randomUUID().toString()));
            state.putState(s, OperatorSubtaskState.builder().setManagedKeyedState(handle).build());
        }
        CheckpointMetadata metadata = new CheckpointMetadata(id, List.of(state), List.of(),
                CheckpointProperties.forCheckpoint(CheckpointRetentionPolicy.RETAIN_ON_CANCELLATION));
        byte[] metadataBytes = serialize(metadata);
        store.write(directory.resolve(FlinkLayout.METADATA), metadataBytes, WriteCondition.overwrite());

        long uploadedBytes = metadataBytes.length + uploads.stream().mapToLong(Upload::size).sum();
        Checkpoint done = new Checkpoint(id, directory, count, uploads.size() + 1, uploadedBytes, metadataBytes.length,
                List.copyOf(referenced));
        discardPrevious();
        previous = Optional.of(done);
        return done;
    }

    /** MANIFEST, OPTIONS and CURRENT of each subtask, in the checkpoint's directory. */
    @SuppressWarnings("unchecked")
    private List<HandleAndLocalPath>[] privateFiles(StoreUri directory, List<Upload> uploads, long[] newBytes) {
        List<HandleAndLocalPath>[] privates = new List[SUBTASKS];
        for (int s = 0; s < SUBTASKS; s++) {
            String manifest = String.format("MANIFEST-%06d", nextFileNumber[s]++);
            String options = String.format("OPTIONS-%06d", nextFileNumber[s]++);
            byte[] current = (manifest + "\n").getBytes(StandardCharsets.US_ASCII);
            List<HandleAndLocalPath> files = new ArrayList<>();
            String manifestName = UUID.randomUUID().toString();
            String optionsName = UUID.randomUUID().toString();
            String currentName = UUID.randomUUID().toString();
            uploads.add(Upload.random(directory.resolve(manifestName), MANIFEST_BYTES, seeds.getAndIncrement()));
            uploads.add(Upload.random(directory.resolve(optionsName), OPTIONS_BYTES, seeds.getAndIncrement()));
            uploads.add(Upload.of(directory.resolve(currentName), current));
            files.add(HandleAndLocalPath.of(exclusive(directory, manifestName, MANIFEST_BYTES), manifest));
            files.add(HandleAndLocalPath.of(exclusive(directory, optionsName, OPTIONS_BYTES), options));
            files.add(HandleAndLocalPath.of(exclusive(directory, currentName, current.length), "CURRENT"));
            newBytes[s] += MANIFEST_BYTES + OPTIONS_BYTES + current.length;
            privates[s] = files;
        }
        return privates;
    }

    private String sstName(int subtask) {
        return String.format("%06d.sst", nextFileNumber[subtask]++);
    }

    private static RelativeFileStateHandle exclusive(StoreUri directory, String name, long size) {
        return new RelativeFileStateHandle(new Path(directory.resolve(name).toString()), name, size);
    }

    /** Flink discards the subsumed checkpoint ({@code _metadata} first, then its files) and the SSTs no longer referenced. */
    private void discardPrevious() throws Exception {
        if (previous.isEmpty()) {
            return;
        }
        Checkpoint old = previous.get();
        store.delete(old.directory().resolve(FlinkLayout.METADATA));
        List<StoreUri> doomed = new ArrayList<>();
        old.referenced().stream().filter(old.directory()::contains).forEach(doomed::add);
        replaced.forEach(sst -> doomed.add(sst.uri()));
        store.deleteAll(doomed);
        replaced.clear();
    }

    private void writeAll(List<Upload> uploads) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(WRITE_THREADS);
        try {
            List<Future<?>> writes = new ArrayList<>();
            for (Upload upload : uploads) {
                writes.add(pool.submit(() -> store.write(upload.uri(), upload.bytes(), WriteCondition.overwrite())));
            }
            for (Future<?> write : writes) {
                write.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static byte[] serialize(CheckpointMetadata metadata) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            Checkpoints.storeCheckpointMetadata(metadata, new DataOutputStream(out), MetadataSerializers.getSerializer(METADATA_VERSION));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** One file a checkpoint writes; its random bytes are made when it is written, so few are held at once. */
    private record Upload(StoreUri uri, int size, long seed, byte[] fixed) {
        static Upload random(StoreUri uri, int size, long seed) {
            return new Upload(uri, size, seed, null);
        }

        static Upload of(StoreUri uri, byte[] bytes) {
            return new Upload(uri, bytes.length, 0, bytes);
        }

        byte[] bytes() {
            if (fixed != null) {
                return fixed;
            }
            byte[] bytes = new byte[size];
            new SplittableRandom(seed).nextBytes(bytes);
            return bytes;
        }
    }
}
