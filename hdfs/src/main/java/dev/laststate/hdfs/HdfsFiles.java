package dev.laststate.hdfs;

import dev.laststate.store.ObjectInfo;
import dev.laststate.store.ReservedNames;
import dev.laststate.store.StoreUnavailableException;
import dev.laststate.store.StoreUri;
import dev.laststate.store.atomic.ConditionalRename;
import dev.laststate.store.atomic.CrossProcessLock;
import dev.laststate.store.atomic.RenamingFileSystem;
import dev.laststate.store.atomic.TemporaryFile;
import java.io.Closeable;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hdfs.DistributedFileSystem;

/**
 * One NameNode's calls behind {@link ConditionalRename} and the sweep: renames are atomic on the NameNode, "only
 * if absent" is a rename that refuses an existing target, and the directory's lock is the HDFS lease on its
 * {@value ReservedNames#LOCK_FILE}.
 */
final class HdfsFiles implements RenamingFileSystem<Path> {

    private final DistributedFileSystem fs;
    private final String authority;
    private final Duration lockTimeout;

    /**
     * @param authority the NameNode or name service {@code fs} talks to
     * @param lockTimeout the bound on a wait for the lock, for the message of a writer that gives up
     */
    HdfsFiles(DistributedFileSystem fs, String authority, Duration lockTimeout) {
        this.fs = fs;
        this.authority = authority;
        this.lockTimeout = lockTimeout;
    }

    @Override
    public Path directoryOf(Path path) {
        return path.getParent();
    }

    @Override
    public String key(Path directory) {
        return authority + directory.toUri().getPath();
    }

    @Override
    public Optional<String> version(StoreUri uri, Path target) throws IOException {
        return HdfsCheckpointStore.stat(fs, uri, target, "write").map(ObjectInfo::version);
    }

    @Override
    public void replace(Path temp, Path target) throws IOException {
        fs.rename(temp, target, Options.Rename.OVERWRITE);
    }

    @Override
    public boolean createExclusively(StoreUri uri, Path temp, Path target) throws IOException {
        try {
            fs.rename(temp, target, Options.Rename.NONE);
            return true;
        } catch (FileAlreadyExistsException e) {
            throw ConditionalRename.alreadyExists(uri, e);
        }
    }

    @Override
    public CrossProcessLock lock(StoreUri uri, Path directory) {
        return new Lease(fs, uri, new Path(directory, ReservedNames.LOCK_FILE), lockTimeout);
    }

    @Override
    public List<TemporaryFile<Path>> temporaries(Path directory) throws IOException {
        FileStatus[] statuses;
        try {
            statuses = fs.globStatus(new Path(directory, ReservedNames.PREFIX + "tmp-*"));
        } catch (IllegalArgumentException e) {
            throw new IOException(e);
        }
        List<TemporaryFile<Path>> temporaries = new ArrayList<>();
        for (FileStatus status : statuses == null ? new FileStatus[0] : statuses) {
            if (status != null && status.getPath() != null) {
                temporaries.add(new TemporaryFile<>(status.getPath(), status.getPath().getName(), status.isFile(),
                        Instant.ofEpochMilli(status.getModificationTime())));
            }
        }
        return temporaries;
    }

    @Override
    public void delete(Path path) throws IOException {
        try {
            fs.delete(path, false);
        } catch (IllegalArgumentException e) {
            throw new IOException(e);
        }
    }

    /**
     * The lease on the directory's lock file, taken by creating it if missing, else appending to it. The NameNode
     * refuses both while another client holds the lease, and recovers the lease of a client that stopped renewing
     * it (it died) after the soft limit. Closing the stream gives the lease back.
     */
    private record Lease(DistributedFileSystem fs, StoreUri uri, Path lock, Duration lockTimeout) implements CrossProcessLock {

        @Override
        public Optional<Closeable> tryLock() throws IOException {
            while (true) {
                try {
                    // Replicated even in an erasure-coded directory, where appending to a file is not supported.
                    return Optional.of(fs.createFile(lock).overwrite(false).recursive().replicate().build());
                } catch (FileAlreadyExistsException exists) {
                    try {
                        return Optional.of(fs.append(lock));
                    } catch (FileNotFoundException deleted) {
                        continue; // someone removed the lock file: create it again
                    } catch (IOException e) {
                        return refused(e);
                    }
                } catch (IOException e) {
                    return refused(e);
                }
            }
        }

        private Optional<Closeable> refused(IOException e) throws IOException {
            if (!HdfsErrors.leaseHeld(e)) {
                throw e;
            }
            return Optional.empty();
        }

        @Override
        public String holder() {
            return "another writer";
        }

        @Override
        public StoreUnavailableException timedOut(String holder) {
            return new StoreUnavailableException(uri, "cannot write " + uri + ": " + holder + " held the lock " + lock.toUri().getPath()
                    + " for more than " + lockTimeout.toSeconds() + " s (raise " + HdfsStoreConfig.LOCK_TIMEOUT + " if that is expected)", null);
        }

        @Override
        public IOException interrupted(InterruptedException e) {
            return new InterruptedIOException("interrupted while waiting for the lock " + lock);
        }

        @Override
        public void close() {
            // nothing is open between the tries
        }
    }
}
