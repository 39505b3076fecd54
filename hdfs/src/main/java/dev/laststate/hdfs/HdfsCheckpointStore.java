package dev.laststate.hdfs;

import dev.laststate.store.Capability;
import dev.laststate.store.CheckpointStore;
import dev.laststate.store.ConditionFailedException;
import dev.laststate.store.Listing;
import dev.laststate.store.ReservedNames;
import dev.laststate.store.ObjectAlreadyExistsException;
import dev.laststate.store.ObjectContent;
import dev.laststate.store.ObjectInfo;
import dev.laststate.store.StoreException;
import dev.laststate.store.StoreNotFoundException;
import dev.laststate.store.StoreUnavailableException;
import dev.laststate.store.StoreUri;
import dev.laststate.store.WriteCondition;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.PrivilegedExceptionAction;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.ParentNotDirectoryException;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.hadoop.hdfs.DistributedFileSystem;
import org.apache.hadoop.hdfs.protocol.HdfsFileStatus;
import org.apache.hadoop.security.UserGroupInformation;

/**
 * A checkpoint store on HDFS, through Hadoop's {@link DistributedFileSystem} client.
 *
 * <p>Every write goes to a temporary file beside the target and is renamed into place; a NameNode rename
 * is atomic, so readers see the old file or the new one. "Only if absent" is a rename that refuses an
 * existing target (atomic on the NameNode). "Only if the version matches" compares and renames while
 * holding the directory's lock: the HDFS lease on {@value #LOCK_FILE}, taken by creating or appending to
 * it, which the NameNode grants one client at a time and takes back when that client dies (after the
 * lease soft limit, 60 s by default). Every write creates a new inode, so the version, which carries the
 * inode's file id, changes with every write. There is no server-side copy: copies stream through this
 * client.
 *
 * <p>The store's own temporary and lock files ({@link ReservedNames}) are never listed; any other name with
 * their prefix, a symbolic link and a name no location can hold are listed as skipped. The first write or
 * copy of an instance into a directory removes the temporary files there that killed writers left more than
 * {@link ReservedNames#ABANDONED_TEMP_AGE} ago (one listing per directory per instance).
 */
final class HdfsCheckpointStore implements CheckpointStore {

    static final String RESERVED_PREFIX = ReservedNames.PREFIX;
    static final String LOCK_FILE = ReservedNames.LOCK_FILE;
    private static final int READ_ATTEMPTS = 10;
    private static final int COPY_BUFFER = 1 << 20;

    private final Configuration conf;
    private final HdfsStoreConfig config;
    private final Duration lockTimeout;
    /** The user every client acts as; logged in on first use, so a failed login names the location. */
    private Optional<UserGroupInformation> user;
    /** One client per NameNode (authority), opened on first use and closed with the store. */
    private final ConcurrentHashMap<String, DistributedFileSystem> clients = new ConcurrentHashMap<>();
    /** Serialises this instance's locked writes per directory; the lease does so across clients. */
    private final ConcurrentHashMap<String, ReentrantLock> directoryLocks = new ConcurrentHashMap<>();
    /** Directories this instance has already swept of abandoned temporary files. */
    private final Set<String> sweptDirectories = ConcurrentHashMap.newKeySet();

    /**
     * @param user the user to act as; empty to log in as {@code config} says (keytab) or as Hadoop's current user
     */
    HdfsCheckpointStore(Configuration conf, HdfsStoreConfig config, Optional<UserGroupInformation> user) {
        this.conf = new Configuration(conf);
        this.config = config;
        this.lockTimeout = config.lockTimeout();
        this.user = user;
    }

    @Override
    public Set<String> schemes() {
        return Set.of("hdfs");
    }

    @Override
    public Set<Capability> capabilities() {
        return EnumSet.of(Capability.CONDITIONAL_CREATE, Capability.CONDITIONAL_REPLACE);
    }

    // ---------------------------------------------------------------- reading

    @Override
    public Listing list(StoreUri directory) throws StoreException {
        DistributedFileSystem fs = client(directory);
        Path dir = path(directory);
        List<String> directories = new ArrayList<>();
        List<ObjectInfo> objects = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        try {
            // Pages of dfs.ls.limit entries (1,000 by default), fetched as the iterator advances.
            RemoteIterator<FileStatus> entries = fs.listStatusIterator(dir);
            while (entries.hasNext()) {
                FileStatus entry = entries.next();
                String name = entry.getPath().getName();
                if (entry.isFile() && entry.getPath().toUri().getPath().equals(dir.toUri().getPath())) {
                    return Listing.empty(directory); // HDFS lists a file as itself: an object is not a directory
                }
                if (entry.isFile() && ReservedNames.isOwn(name)) {
                    continue;
                }
                if (ReservedNames.isReserved(name) || entry.isSymlink() || !directory.canHold(name)) {
                    skipped.add(name);
                } else if (entry.isDirectory()) {
                    directories.add(name);
                } else if (entry.isFile()) {
                    objects.add(info(directory.resolve(name), entry));
                } else {
                    skipped.add(name);
                }
            }
        } catch (FileNotFoundException | ParentNotDirectoryException missing) {
            return Listing.empty(directory);
        } catch (IOException e) {
            if (missing(e)) {
                return Listing.empty(directory);
            }
            throw HdfsErrors.classify(e, directory, "list");
        }
        directories.sort(Comparator.naturalOrder());
        objects.sort(Comparator.comparing(ObjectInfo::name));
        skipped.sort(Comparator.naturalOrder());
        return new Listing(directory, directories, objects, skipped);
    }

    @Override
    public Optional<ObjectInfo> stat(StoreUri uri) throws StoreException {
        try {
            return stat(client(uri), uri);
        } catch (IOException e) {
            throw HdfsErrors.classify(e, uri, "stat");
        }
    }

    private Optional<ObjectInfo> stat(DistributedFileSystem fs, StoreUri uri) throws IOException {
        try {
            FileStatus status = fs.getFileStatus(path(uri));
            return status.isFile() ? Optional.of(info(uri, status)) : Optional.empty();
        } catch (FileNotFoundException | ParentNotDirectoryException missing) {
            return Optional.empty();
        } catch (IOException e) {
            if (missing(e)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public ObjectContent read(StoreUri uri, long maxBytes) throws StoreException {
        DistributedFileSystem fs = client(uri);
        int limit = (int) Math.min(maxBytes, Integer.MAX_VALUE - 8);
        // A replacement renames a new inode into place and deletes the old one with its blocks, so a read of
        // the old inode can fail part-way. The file id in the version never repeats: the same version before
        // the open and after the last byte means the bytes belong to it.
        IOException lastFailure = null;
        for (int attempt = 0; attempt < READ_ATTEMPTS; attempt++) {
            try {
                ObjectInfo before = stat(fs, uri).orElseThrow(() -> notFound(uri, "read"));
                byte[] bytes;
                try (InputStream in = fs.open(path(uri))) {
                    bytes = in.readNBytes(limit);
                }
                Optional<ObjectInfo> after = stat(fs, uri);
                if (after.isPresent() && after.get().version().equals(before.version())) {
                    return new ObjectContent(before, bytes);
                }
            } catch (StoreException e) {
                throw e;
            } catch (InterruptedIOException e) {
                throw HdfsErrors.classify(e, uri, "read");
            } catch (IOException e) {
                if (HdfsErrors.unwrap(e) instanceof org.apache.hadoop.security.AccessControlException || HdfsErrors.unavailable(e)) {
                    throw HdfsErrors.classify(e, uri, "read");
                }
                lastFailure = e; // replaced or deleted while open: the next attempt's stat tells which
            }
        }
        if (lastFailure != null) {
            throw HdfsErrors.classify(lastFailure, uri, "read");
        }
        throw new StoreException(uri, "cannot read " + uri + ": it kept changing while being read", null);
    }

    // ---------------------------------------------------------------- writing

    @Override
    public ObjectInfo write(StoreUri uri, byte[] bytes, WriteCondition condition) throws StoreException {
        DistributedFileSystem fs = client(uri);
        Path target = path(uri);
        Path temp = temporary(fs, target);
        boolean moved = false;
        try {
            try (FSDataOutputStream out = fs.create(temp, false)) {
                out.write(bytes);
            }
            switch (condition.kind()) {
                case OVERWRITE -> fs.rename(temp, target, Options.Rename.OVERWRITE);
                case IF_ABSENT -> createIfAbsent(fs, uri, temp, target);
                case IF_VERSION_MATCHES -> replaceIfUnchanged(fs, uri, temp, target, condition.expectedVersion().orElseThrow());
            }
            moved = true;
            return stat(fs, uri).orElseThrow(() -> new StoreException(uri, "wrote " + uri + " but it vanished at once", null));
        } catch (ParentNotDirectoryException e) {
            throw new StoreException(uri, "cannot write " + uri + ": a parent of it is an object, not a directory", e);
        } catch (IOException e) {
            throw HdfsErrors.classify(e, uri, "write");
        } finally {
            if (!moved) {
                deleteQuietly(fs, temp);
            }
        }
    }

    private static void createIfAbsent(DistributedFileSystem fs, StoreUri uri, Path temp, Path target) throws IOException {
        try {
            fs.rename(temp, target, Options.Rename.NONE);
        } catch (FileAlreadyExistsException e) {
            throw new ObjectAlreadyExistsException(uri, uri + " already exists", e);
        }
    }

    private void replaceIfUnchanged(DistributedFileSystem fs, StoreUri uri, Path temp, Path target, String expected)
            throws IOException {
        Path directory = target.getParent();
        ReentrantLock local = directoryLocks.computeIfAbsent(uri.authority() + directory.toUri().getPath(), d -> new ReentrantLock());
        local.lock();
        try (OutputStream lease = lease(fs, uri, new Path(directory, LOCK_FILE))) {
            Optional<ObjectInfo> current = stat(fs, uri);
            if (current.isEmpty()) {
                throw new ConditionFailedException(uri, uri + " no longer exists (expected version " + expected + ")", null);
            }
            if (!current.get().version().equals(expected)) {
                throw new ConditionFailedException(uri, uri + " changed since it was read", null);
            }
            fs.rename(temp, target, Options.Rename.OVERWRITE);
        } finally {
            local.unlock();
        }
    }

    /**
     * Takes the lease on the directory's lock file: create it if missing, else append to it. The NameNode
     * refuses both while another client holds the lease, and recovers the lease of a client that stopped
     * renewing it (it died) after the soft limit. Closing the stream gives the lease back.
     */
    private OutputStream lease(DistributedFileSystem fs, StoreUri uri, Path lock) throws IOException {
        long deadline = System.nanoTime() + lockTimeout.toNanos();
        long pauseMillis = 5;
        while (true) {
            try {
                // Replicated even in an erasure-coded directory, where appending to a file is not supported.
                return fs.createFile(lock).overwrite(false).recursive().replicate().build();
            } catch (FileAlreadyExistsException exists) {
                try {
                    return fs.append(lock);
                } catch (FileNotFoundException deleted) {
                    continue; // someone removed the lock file: create it again
                } catch (IOException e) {
                    if (!HdfsErrors.leaseHeld(e)) {
                        throw e;
                    }
                }
            } catch (IOException e) {
                if (!HdfsErrors.leaseHeld(e)) {
                    throw e;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new StoreUnavailableException(uri, "cannot write " + uri + ": another writer held the lock " + lock.toUri().getPath()
                        + " for more than " + lockTimeout.toSeconds() + " s (raise " + HdfsStoreConfig.LOCK_TIMEOUT + " if that is expected)", null);
            }
            try {
                Thread.sleep(pauseMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for the lock " + lock);
            }
            pauseMillis = Math.min(pauseMillis * 2, 250);
        }
    }

    @Override
    public ObjectInfo copy(ObjectInfo listed, StoreUri target) throws StoreException {
        StoreUri source = listed.uri();
        DistributedFileSystem fs = client(source);
        if (!source.authority().equals(target.authority())) {
            throw new IllegalArgumentException("copy between NameNodes is not supported: " + source + " -> " + target);
        }
        Path to = path(target);
        Path temp = temporary(fs, to);
        boolean moved = false;
        // The source is opened before anything is created, so a missing source leaves the target alone.
        try (InputStream in = openSource(fs, source)) {
            try (FSDataOutputStream out = fs.create(temp, false)) {
                in.transferTo(out);
            } catch (IOException e) {
                throw HdfsErrors.classify(e, target, "copy to");
            }
            fs.rename(temp, to, Options.Rename.OVERWRITE);
            moved = true;
        } catch (StoreException e) {
            throw e;
        } catch (IOException e) {
            throw HdfsErrors.classify(e, target, "copy to");
        } finally {
            if (!moved) {
                deleteQuietly(fs, temp);
            }
        }
        return stat(target).orElseThrow(() -> new StoreException(target, "copied to " + target + " but it vanished at once", null));
    }

    private InputStream openSource(DistributedFileSystem fs, StoreUri source) throws StoreException {
        try {
            return fs.open(path(source), COPY_BUFFER);
        } catch (FileNotFoundException | ParentNotDirectoryException e) {
            throw new StoreNotFoundException(source, "cannot copy " + source + ": no such object", e);
        } catch (IOException e) {
            if (missing(e)) {
                throw new StoreNotFoundException(source, "cannot copy " + source + ": no such object", e);
            }
            throw HdfsErrors.classify(e, source, "copy");
        }
    }

    @Override
    public void delete(StoreUri uri) throws StoreException {
        DistributedFileSystem fs = client(uri);
        try {
            // Only a file is an object: a directory at this path is left alone, even an empty one.
            if (stat(fs, uri).isPresent()) {
                fs.delete(path(uri), false);
            }
        } catch (IOException e) {
            throw HdfsErrors.classify(e, uri, "delete");
        }
    }

    @Override
    public void close() throws StoreException {
        IOException first = null;
        for (DistributedFileSystem fs : clients.values()) {
            try {
                fs.close();
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        clients.clear();
        if (first != null) {
            throw new StoreException(null, "closing the HDFS client failed: " + HdfsErrors.detail(first), first);
        }
    }

    // ---------------------------------------------------------------- helpers

    private DistributedFileSystem client(StoreUri uri) throws StoreException {
        if (!uri.scheme().equals("hdfs")) {
            throw new IllegalArgumentException("the HDFS store cannot serve " + uri);
        }
        DistributedFileSystem existing = clients.get(uri.authority());
        if (existing != null) {
            return existing;
        }
        synchronized (clients) {
            DistributedFileSystem fs = clients.get(uri.authority());
            if (fs == null) {
                fs = open(uri);
                clients.put(uri.authority(), fs);
            }
            return fs;
        }
    }

    /** A client of its own (not Hadoop's process-wide cache), created as the store's user; called holding {@code clients}. */
    private DistributedFileSystem open(StoreUri uri) throws StoreException {
        URI nameNode = URI.create("hdfs://" + uri.authority() + "/");
        if (user.isEmpty()) {
            user = Optional.of(HadoopSetup.user(conf, config, uri));
        }
        FileSystem fs;
        try {
            fs = user.get().doAs((PrivilegedExceptionAction<FileSystem>) () -> FileSystem.newInstance(nameNode, conf));
        } catch (IOException e) {
            throw HdfsErrors.classify(e, uri, "connect to the NameNode of");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException(uri, "interrupted while connecting to " + nameNode, e);
        } catch (IllegalArgumentException e) {
            // Hadoop reports an unknown host or nameservice this way.
            throw new StoreUnavailableException(uri, "cannot reach the NameNode of " + uri + ": " + HdfsErrors.detail(e), e);
        }
        if (fs instanceof DistributedFileSystem dfs) {
            return dfs;
        }
        try {
            fs.close();
        } catch (IOException ignored) {
            // nothing was opened through it
        }
        throw new StoreException(uri, "fs.hdfs.impl maps hdfs:// to " + fs.getClass().getName()
                + ", not HDFS's DistributedFileSystem; this store needs the latter", null);
    }

    /** The absolute HDFS path of {@code uri}; names are taken literally ('%', spaces and ':' included). */
    static Path path(StoreUri uri) {
        try {
            return new Path(new URI(null, null, "/" + uri.path(), null));
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a valid HDFS path: " + uri, e);
        }
    }

    /** A temporary name beside {@code target}; the first time in its directory, abandoned ones there go first. */
    private Path temporary(DistributedFileSystem fs, Path target) {
        Path directory = target.getParent();
        if (sweptDirectories.add(directory.toString())) {
            removeAbandonedTemporaries(fs, directory);
        }
        return new Path(directory, ReservedNames.newTemporaryName());
    }

    /** Best effort: a temporary file that cannot be removed now is tried again by the next instance. */
    private static void removeAbandonedTemporaries(DistributedFileSystem fs, Path directory) {
        Instant now = Instant.now();
        try {
            FileStatus[] temporaries = fs.globStatus(new Path(directory, ReservedNames.PREFIX + "tmp-*"));
            for (FileStatus temporary : temporaries == null ? new FileStatus[0] : temporaries) {
                if (temporary.isFile() && ReservedNames.isTemporary(temporary.getPath().getName())
                        && ReservedNames.abandoned(Instant.ofEpochMilli(temporary.getModificationTime()), now)) {
                    fs.delete(temporary.getPath(), false);
                }
            }
        } catch (IOException ignored) {
            // the write itself reports any real problem with the directory
        }
    }

    /** The version changes with every write: each write renames a new inode, with a new file id, into place. */
    private static ObjectInfo info(StoreUri uri, FileStatus status) {
        Instant modified = Instant.ofEpochMilli(status.getModificationTime());
        String id = status instanceof HdfsFileStatus hdfs ? "id" + hdfs.getFileId() : "path";
        return new ObjectInfo(uri, status.getLen(), modified, id + "@" + status.getModificationTime() + "#" + status.getLen());
    }

    /** A path below a file is reported as a failure of its own rather than as not found. */
    private static boolean missing(IOException e) {
        IOException unwrapped = HdfsErrors.unwrap(e);
        return unwrapped instanceof FileNotFoundException || unwrapped instanceof ParentNotDirectoryException;
    }

    private static StoreNotFoundException notFound(StoreUri uri, String action) {
        return new StoreNotFoundException(uri, "cannot " + action + " " + uri + ": no such object", null);
    }

    private static void deleteQuietly(DistributedFileSystem fs, Path temp) {
        try {
            fs.delete(temp, false);
        } catch (IOException ignored) {
            // a leftover temporary file is hidden from listings and harmless
        }
    }

    @Override
    public String toString() {
        return "HdfsCheckpointStore[hdfs]";
    }
}
