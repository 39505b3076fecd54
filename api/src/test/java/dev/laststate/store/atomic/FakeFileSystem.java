package dev.laststate.store.atomic;

import dev.laststate.store.StoreUnavailableException;
import dev.laststate.store.StoreUri;
import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Files as names ({@code dir/name}) with a version and a modification time, in one map; for the tests of this
 * package. Its cross-process lock is one flag shared by every directory.
 */
final class FakeFileSystem implements RenamingFileSystem<String> {

    /** A file: its version and when it was last modified; a directory entry has no version. */
    record File(String version, Instant modified, boolean regular) {}

    final Map<String, File> files = new TreeMap<>();
    /** Whether this file system can create "only if absent" by itself. */
    boolean exclusiveCreate = true;
    /** Held by "another process" while true. */
    final AtomicBoolean heldElsewhere = new AtomicBoolean();
    final List<String> calls = new ArrayList<>();

    void put(String path, String version, Instant modified) {
        files.put(path, new File(version, modified, true));
    }

    @Override
    public String directoryOf(String path) {
        return path.substring(0, path.lastIndexOf('/'));
    }

    @Override
    public String key(String directory) {
        return directory;
    }

    @Override
    public Optional<String> version(StoreUri uri, String target) {
        calls.add("version " + target);
        return Optional.ofNullable(files.get(target)).map(File::version);
    }

    @Override
    public void replace(String temp, String target) throws IOException {
        calls.add("replace " + target);
        File moved = files.remove(temp);
        if (moved == null) {
            throw new IOException("no " + temp);
        }
        files.put(target, moved);
    }

    @Override
    public boolean createExclusively(StoreUri uri, String temp, String target) throws IOException {
        calls.add("createExclusively " + target);
        if (!exclusiveCreate) {
            return false;
        }
        if (files.containsKey(target)) {
            throw ConditionalRename.alreadyExists(uri, null);
        }
        replace(temp, target);
        return true;
    }

    @Override
    public CrossProcessLock lock(StoreUri uri, String directory) {
        return new CrossProcessLock() {
            @Override
            public Optional<Closeable> tryLock() {
                calls.add("tryLock " + directory);
                return heldElsewhere.compareAndSet(false, true)
                        ? Optional.of(() -> {
                            calls.add("unlock " + directory);
                            heldElsewhere.set(false);
                        })
                        : Optional.empty();
            }

            @Override
            public String holder() {
                return "the other process";
            }

            @Override
            public StoreUnavailableException timedOut(String holder) {
                return new StoreUnavailableException(uri, "timed out: held by " + holder, null);
            }

            @Override
            public IOException interrupted(InterruptedException e) {
                return new InterruptedIOException("interrupted");
            }

            @Override
            public void close() {
                calls.add("close " + directory);
            }
        };
    }

    @Override
    public List<TemporaryFile<String>> temporaries(String directory) {
        calls.add("temporaries " + directory);
        List<TemporaryFile<String>> found = new ArrayList<>();
        files.forEach((path, file) -> {
            if (directoryOf(path).equals(directory)) {
                found.add(new TemporaryFile<>(path, path.substring(directory.length() + 1), file.regular(), file.modified()));
            }
        });
        return found;
    }

    @Override
    public void delete(String path) {
        calls.add("delete " + path);
        files.remove(path);
    }
}
