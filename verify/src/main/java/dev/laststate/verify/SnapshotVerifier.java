package dev.laststate.verify;

import dev.laststate.flink.FlinkLayout;
import dev.laststate.store.CheckpointStore;
import dev.laststate.store.ObjectContent;
import dev.laststate.store.StoreException;
import dev.laststate.store.StoreNotFoundException;
import dev.laststate.store.StoreUri;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;

/**
 * Proves a snapshot directory restorable: reads its {@code _metadata} with Flink's own classes
 * ({@code Checkpoints.loadCheckpointMetadata}) and checks, through the {@link CheckpointStore} (stat), that
 * every file it references exists. References relative to {@code _metadata} (a snapshot's exclusive state)
 * resolve against the directory; absolute ones ({@code shared/}, {@code taskowned/}, file-merging segments)
 * are checked where they are. Works for every store; reads one object and stats each referenced file once.
 */
public final class SnapshotVerifier {

    /** Files stat-ed at once: a large incremental checkpoint references thousands. */
    static final int STAT_CONCURRENCY = 16;

    private final CheckpointStore store;

    public SnapshotVerifier(CheckpointStore store) {
        this.store = store;
    }

    /**
     * Verifies the snapshot in {@code directory}.
     *
     * @throws UnreadableMetadataException when {@code _metadata} is missing, unreadable by Flink, or references
     *     a handle type or a location this verifier cannot check
     */
    public Verification verify(StoreUri directory) throws StoreException, UnreadableMetadataException {
        StoreUri metadataUri = directory.resolve(FlinkLayout.METADATA);
        ObjectContent content;
        try {
            content = store.read(metadataUri);
        } catch (StoreNotFoundException absent) {
            throw new UnreadableMetadataException(metadataUri, "no such file: not a complete snapshot", absent);
        }
        return verify(directory, content.bytes());
    }

    /**
     * Verifies the snapshot that {@code metadataBytes} would be as {@code <directory>/_metadata}, before they are
     * written there: what a promotion checks between copying the files and committing.
     *
     * @throws UnreadableMetadataException when Flink cannot read the bytes, or they reference a handle type or a
     *     location this verifier cannot check
     */
    public Verification verify(StoreUri directory, byte[] metadataBytes) throws StoreException, UnreadableMetadataException {
        StoreUri metadataUri = directory.resolve(FlinkLayout.METADATA);
        CheckpointMetadata metadata = MetadataFormat.load(metadataUri, metadataBytes);
        StateHandleWalker walker = new StateHandleWalker(directory);
        walker.walk(metadata);
        if (!walker.unknownHandles().isEmpty()) {
            throw new UnreadableMetadataException(metadataUri, "it references state handles laststate cannot check: "
                    + String.join(", ", walker.unknownHandles().stream().distinct().toList()), null);
        }
        List<StateFile> files = walker.files();
        for (StateFile file : files) {
            if (!store.schemes().contains(file.uri().scheme())) {
                throw new UnreadableMetadataException(metadataUri, "it references " + file.uri()
                        + ", outside the store of " + directory + " (schemes " + store.schemes() + ")", null);
            }
        }
        return new Verification(directory, metadata.getCheckpointId(), files, missing(files), walker.inlineHandles());
    }

    private List<StateFile> missing(List<StateFile> files) throws StoreException {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(STAT_CONCURRENCY, files.size())));
        try {
            List<Future<Boolean>> exists = new ArrayList<>(files.size());
            for (StateFile file : files) {
                exists.add(pool.submit(() -> store.stat(file.uri()).isPresent()));
            }
            List<StateFile> missing = new ArrayList<>();
            for (int i = 0; i < files.size(); i++) {
                if (!get(exists.get(i))) {
                    missing.add(files.get(i));
                }
            }
            return missing;
        } finally {
            pool.shutdownNow();
        }
    }

    private static boolean get(Future<Boolean> future) throws StoreException {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking state files", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof StoreException store) {
                throw store;
            }
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        }
    }
}
