package dev.laststate.hdfs;

import dev.laststate.store.Capability;
import dev.laststate.store.CheckpointStore;
import dev.laststate.store.InvalidStoreUriException;
import dev.laststate.store.Listing;
import dev.laststate.store.NameLimit;
import dev.laststate.store.ObjectContent;
import dev.laststate.store.ObjectInfo;
import dev.laststate.store.ObjectStreams;
import dev.laststate.store.ReservedNames;
import dev.laststate.store.StoreException;
import dev.laststate.store.StoreNotFoundException;
import dev.laststate.store.StoreUnavailableException;
import dev.laststate.store.StoreUri;
import dev.laststate.store.UnsupportedStoreOperationException;
import dev.laststate.store.WriteCondition;
import dev.laststate.store.atomic.ConditionalRename;
import dev.laststate.store.atomic.DirectoryLocks;
import dev.laststate.store.atomic.ListingBuilder;
import dev.laststate.store.atomic.StaleTemporarySweep;
import java.io.Closeable;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.PrivilegedExceptionAction;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.ParentNotDirectoryException;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.hadoop.hdfs.DistributedFileSystem;
import org.apache.hadoop.hdfs.protocol.HdfsFileStatus;
import org.apache.hadoop.ipc.RemoteException;
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
 * client. Streamed reads and writes ({@link Capability#BOUNDED_STREAMS}) hold one buffer of 1 MiB and the HDFS
 * client's own packets, whatever the file's size.
 *
 * <p>The store's own temporary and lock files ({@link ReservedNames}) are never listed; any other name with
 * their prefix, a symbolic link and a name no location can hold are listed as skipped. The first write or
 * copy of an instance into a directory removes the temporary files there that killed writers left more than
 * {@link ReservedNames#ABANDONED_TEMP_AGE} ago (one listing per directory per instance).
 */
final class HdfsCheckpointStore implements CheckpointStore {

    static final String RESERVED_PREFIX = ReservedNames.PREFIX;
    static final String LOCK_FILE = ReservedNames.LOCK_FILE;
    private static final Set<String> SCHEMES = Set.of("hdfs");
    /** HDFS's own namespace below the root: {@code /.reserved/.inodes/<id>} and {@code /.reserved/raw}. */
    private static final String RESERVED_ROOT = ".reserved";
    private static final int READ_ATTEMPTS = 10;
    /** The largest array the JVM reliably allocates. */
    private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;
    private static final int COPY_BUFFER = 1 << 20;

    private final Configuration conf;
    private final HdfsStoreConfig config;
    private final Duration lockTimeout;
    /** Moves written temporary files into place; holds this instance's directory locks (the lease across clients). */
    private final ConditionalRename rename;
    private final StaleTemporarySweep sweep = new StaleTemporarySweep();
    private final List<NameLimit> nameLimits;
    /** The user every client acts as; logged in on first use, so a failed login names the location. */
    private Optional<UserGroupInformation> user;
    /** One client per NameNode (authority), opened on first use and closed with the store. */
    private final ConcurrentHashMap<String, DistributedFileSystem> clients = new ConcurrentHashMap<>();

    /**
     * @param user the user to act as; empty to log in as {@code config} says (keytab) or as Hadoop's current user
     */
    HdfsCheckpointStore(Configuration conf, HdfsStoreConfig config, Optional<UserGroupInformation> user) {
        this.conf = new Configuration(conf);
        this.config = config;
        this.lockTimeout = config.lockTimeout();
        this.rename = new ConditionalRename(new DirectoryLocks(lockTimeout, Duration.ofMillis(5), Duration.ofMillis(250)));
        this.user = user;
        int component = conf.getInt("dfs.namenode.fs-limits.max-component-length", 255);
        List<NameLimit> path = List.of(new NameLimit(NameLimit.Measure.NAME_CHARS, 8000 - ReservedNames.newTemporaryName().length()),
                new NameLimit(NameLimit.Measure.SEGMENTS, 1000));
        this.nameLimits = component > 0 ? List.of(path.get(0), path.get(1), new NameLimit(NameLimit.Measure.SEGMENT_BYTES, component)) : path;
    }

    @Override
    public Set<String> schemes() {
        return SCHEMES;
    }

    @Override
    public Set<Capability> capabilities() {
        return EnumSet.of(Capability.CONDITIONAL_CREATE, Capability.CONDITIONAL_REPLACE, Capability.BOUNDED_STREAMS);
    }

    /**
     * The NameNode's: a component of at most {@code dfs.namenode.fs-limits.max-component-length} UTF-8 bytes (255
     * unless configured, 0 for none), and a path of at most 8,000 characters and 1,000 levels (its fixed limits),
     * counted for the temporary file beside the object, whose name may be longer than the object's.
     */
    @Override
    public List<NameLimit> nameLimits() {
        return nameLimits;
    }

    // ---------------------------------------------------------------- reading

    /**
     * {@inheritDoc}
     *
     * <p>Symbolic links, reserved names that are not the store's own and names no location can hold are listed
     * in {@link Listing#skipped()}.
     */
    @Override
    public Listing list(StoreUri directory) throws StoreException {
        Path dir = path(directory.requireScheme(SCHEMES));
        DistributedFileSystem fs = client(directory);
        ListingBuilder listing = new ListingBuilder(directory);
        try {
            // Pages of dfs.ls.limit entries (1,000 by default), fetched as the iterator advances.
            RemoteIterator<FileStatus> entries = fs.listStatusIterator(dir);
            while (entries.hasNext()) {
                FileStatus entry = entries.next();
                if (entry == null || entry.getPath() == null) {
                    throw StoreException.malformedAnswer(directory, "list", "the NameNode listed an entry without a path");
                }
                String name = entry.getPath().getName();
                if (entry.isFile() && dir.toUri().getPath().equals(entry.getPath().toUri().getPath())) {
                    return Listing.empty(directory); // HDFS lists a file as itself: an object is not a directory
                }
                listing.add(name, ListingBuilder.Kind.of(entry.isSymlink(), entry.isDirectory(), entry.isFile()), uri -> info(uri, entry, "list"));
            }
        } catch (IOException | IllegalArgumentException e) {
            if (missing(e)) {
                return Listing.empty(directory);
            }
            throw HdfsErrors.classify(e, directory, "list");
        }
        return listing.build();
    }

    @Override
    public Optional<ObjectInfo> stat(StoreUri uri) throws StoreException {
        Path path = path(uri.requireObject(SCHEMES, nameLimits));
        return stat(client(uri), uri, path, "stat");
    }

    /** The object at {@code path}, empty when there is none (a directory, or a path below a file, is none). */
    static Optional<ObjectInfo> stat(DistributedFileSystem fs, StoreUri uri, Path path, String action) throws StoreException {
        FileStatus status;
        try {
            status = fs.getFileStatus(path);
        } catch (IOException | IllegalArgumentException e) {
            if (missing(e)) {
                return Optional.empty();
            }
            throw HdfsErrors.classify(e, uri, action);
        }
        if (status == null) {
            throw StoreException.malformedAnswer(uri, action, "the NameNode answered without a status");
        }
        return status.isFile() ? Optional.of(info(uri, status, action)) : Optional.empty();
    }

    /**
     * {@inheritDoc}
     *
     * <p>The version is compared just before the open and after the last byte: a replacement renames a new inode
     * into place and deletes the old one with its blocks, so a read of the old inode may fail part-way or finish;
     * the file id in the version never repeats, so the same version at both ends means the bytes are that
     * version's. A changed version reads again (at most {@value #READ_ATTEMPTS} times); a read that fails while
     * the version stays is classified (a stopped DataNode is a {@link StoreUnavailableException}).
     *
     * @throws StoreException when the object is larger than a Java array can hold and more than that was asked for
     */
    @Override
    public ObjectContent read(StoreUri uri, long maxBytes) throws StoreException {
        Path path = path(uri.requireObject(SCHEMES, nameLimits));
        DistributedFileSystem fs = client(uri);
        for (int attempt = 0; attempt < READ_ATTEMPTS; attempt++) {
            ObjectInfo before = stat(fs, uri, path, "read").orElseThrow(() -> StoreNotFoundException.noSuchObject(uri, "read"));
            if (maxBytes > MAX_ARRAY && before.size() > MAX_ARRAY) {
                throw new StoreException(uri, "cannot read " + uri + ": the object is too large to read into memory ("
                        + before.size() + " bytes; at most " + MAX_ARRAY + ")", null);
            }
            int limit = (int) Math.min(maxBytes, MAX_ARRAY);
            byte[] bytes = new byte[0];
            Exception failure = null;
            try (InputStream in = fs.open(path)) {
                bytes = in.readNBytes(limit);
            } catch (IOException | IllegalArgumentException e) {
                failure = e; // replaced, deleted, or a DataNode failed: the version after tells which
            }
            Optional<ObjectInfo> after = stat(fs, uri, path, "read");
            if (after.isEmpty()) {
                throw StoreNotFoundException.noSuchObject(uri, "read");
            }
            if (!after.get().version().equals(before.version())) {
                continue;
            }
            if (failure != null) {
                throw HdfsErrors.classify(failure, uri, "read");
            }
            if (bytes.length < Math.min(limit, before.size())) {
                throw cutShort(uri, "read", bytes.length, before);
            }
            return new ObjectContent(before, bytes);
        }
        throw new StoreException(uri, "cannot read " + uri + ": it kept changing while being read", null);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Bounded: the file is opened where it lies and read as the caller reads, one DataNode packet (64 KiB by
     * default) and the client's buffer of {@value #COPY_BUFFER} bytes at a time. As in {@link #read}, the version is
     * the same just before the open, just after it and after the last byte, or the stream fails: a
     * {@link dev.laststate.store.ConditionFailedException} when the file was replaced, a {@link StoreNotFoundException}
     * when it was deleted, and otherwise HDFS's failure classified (a stopped DataNode is a
     * {@link StoreUnavailableException}). A {@code length} of 0 asks the NameNode nothing.
     */
    @Override
    public InputStream readStream(StoreUri uri, Optional<String> version, long offset, long length) throws StoreException {
        Path path = path(uri.requireObject(SCHEMES, nameLimits));
        ObjectStreams.requireRange(uri, offset, length);
        if (length == 0) {
            return InputStream.nullInputStream();
        }
        DistributedFileSystem fs = client(uri);
        for (int attempt = 0; attempt < READ_ATTEMPTS; attempt++) {
            ObjectInfo before = stat(fs, uri, path, "read").orElseThrow(() -> StoreNotFoundException.noSuchObject(uri, "read"));
            ObjectStreams.requireVersionAndSize(uri, version, offset + length, before);
            FSDataInputStream in;
            try {
                in = fs.open(path, COPY_BUFFER);
            } catch (IOException | IllegalArgumentException e) {
                if (missing(e)) {
                    continue; // replaced or deleted since the stat: the next one tells which
                }
                throw HdfsErrors.classify(e, uri, "read");
            }
            try {
                // The same version after the open as before it: the inode opened is that version's (file ids never repeat).
                if (stat(fs, uri, path, "read").map(ObjectInfo::version).equals(Optional.of(before.version()))) {
                    in.seek(offset);
                    return ObjectStreams.exactly(uri, length, in, failure -> streamFailure(fs, path, before, failure),
                            () -> requireUnchanged(fs, path, before));
                }
            } catch (IOException | IllegalArgumentException e) {
                closeQuietly(in, Optional.of(e));
                throw HdfsErrors.classify(e, uri, "read");
            }
            closeQuietly(in, Optional.empty()); // the file was replaced under the open: a failure to close it is moot
        }
        throw new StoreException(uri, "cannot read " + uri + ": it kept changing while being opened", null);
    }

    /**
     * The failure of a stream's read, told by the version after it, as a copy's is: the file deleted or replaced
     * mid-read (its old blocks go with it) is reported as such, anything else as HDFS's failure.
     */
    private static StoreException streamFailure(DistributedFileSystem fs, Path path, ObjectInfo opened, Exception failure) {
        try {
            requireUnchanged(fs, path, opened);
        } catch (StoreException changed) {
            changed.addSuppressed(failure);
            return changed;
        }
        return HdfsErrors.classify(failure, opened.uri(), "read");
    }

    /** The file's version now, against the one a stream was opened at. */
    private static void requireUnchanged(DistributedFileSystem fs, Path path, ObjectInfo opened) throws StoreException {
        StoreUri uri = opened.uri();
        ObjectInfo now = stat(fs, uri, path, "read").orElseThrow(() -> StoreNotFoundException.noSuchObject(uri, "read"));
        ObjectStreams.requireVersionAndSize(uri, Optional.of(opened.version()), 0, now);
    }

    // ---------------------------------------------------------------- writing

    @Override
    public ObjectInfo write(StoreUri uri, byte[] bytes, WriteCondition condition) throws StoreException {
        Path target = path(uri.requireObject(SCHEMES, nameLimits));
        return publish(uri, target, condition, out -> out.write(bytes));
    }

    /**
     * {@inheritDoc}
     *
     * <p>Bounded: as {@link #write}, into a temporary file beside {@code uri} renamed into place (atomic on the
     * NameNode), the content copied through one buffer of {@value ObjectStreams#COPY_BUFFER_BYTES} bytes; the client's
     * write pipeline holds at most {@code dfs.client.write.max-packets-in-flight} packets (80 of 64 KiB by default).
     * On any failure, of the content or of HDFS, the temporary file is removed and what was at {@code uri} stays.
     */
    @Override
    public ObjectInfo writeStream(StoreUri uri, InputStream content, long length) throws StoreException {
        Path target = path(uri.requireObject(SCHEMES, nameLimits));
        ObjectStreams.requireRange(uri, 0, length);
        return publish(uri, target, WriteCondition.overwrite(), out -> ObjectStreams.copyExactly(uri, content, length, out));
    }

    /** What a write puts into its temporary file. */
    @FunctionalInterface
    private interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * Writes {@code content} to a new temporary file beside {@code target} and renames it into place under
     * {@code condition}; the temporary file is removed when anything fails.
     */
    private ObjectInfo publish(StoreUri uri, Path target, WriteCondition condition, Content content) throws StoreException {
        DistributedFileSystem fs = client(uri);
        HdfsFiles files = files(fs, uri);
        Path temp = temporary(files, target);
        boolean moved = false;
        try {
            writeNew(fs, temp, content);
            rename.publish(files, uri, temp, target, condition);
            moved = true;
        } catch (IOException | IllegalArgumentException e) {
            throw HdfsErrors.classify(e, uri, "write");
        } finally {
            if (!moved) {
                deleteQuietly(fs, temp);
            }
        }
        return stat(fs, uri, target, "write").orElseThrow(() -> new StoreException(uri, "wrote " + uri + " but it vanished at once", null));
    }

    /** Writes a new file; closed by hand for the reason {@link #transfer} gives. */
    private static void writeNew(DistributedFileSystem fs, Path path, Content content) throws IOException {
        FSDataOutputStream out = fs.create(path, false);
        try {
            content.writeTo(out);
        } catch (IOException | RuntimeException e) {
            closeQuietly(out, Optional.of(e));
            throw e;
        }
        out.close();
    }

    /**
     * {@inheritDoc}
     *
     * <p>HDFS has no copy RPC and no source condition: the bytes stream through this client into a temporary
     * file beside {@code target}, which is renamed into place only when the source's version just before the
     * open and after the last byte both equal {@code source.version()} (the file id in it never repeats, so
     * the bytes are that version's). Otherwise the temporary file is removed and {@code target} is unchanged.
     * Round trips: a stat of the source before and after, the open, the temporary file's create and close,
     * its stat (the answer, which a rename keeps) and the rename.
     *
     * @throws UnsupportedStoreOperationException carrying {@code target} when it is on another NameNode (or name
     *     service) than the source: nothing is read or written then
     */
    @Override
    public ObjectInfo copy(ObjectInfo source, StoreUri target) throws StoreException {
        StoreUri from = source.uri();
        from.requireCopyTo(target, SCHEMES, nameLimits);
        Path fromPath = path(from);
        Path to = path(target);
        DistributedFileSystem fs = client(from);
        requireVersion(source, stat(fs, from, fromPath, "copy"));
        HdfsFiles files = files(fs, target);
        Path temp = temporary(files, to);
        boolean moved = false;
        try {
            Optional<TransferFailure> failure;
            // The source is opened before anything is created, so a source gone since the stat leaves nothing behind.
            try (InputStream in = openSource(fs, from, fromPath)) {
                failure = transfer(fs, in, temp, source.size());
            }
            try {
                // The same version after the last byte as before the open: the bytes are that version's. Asked
                // after a failure too, since a source deleted or rewritten mid-copy is the likely reason for it.
                requireVersion(source, stat(fs, from, fromPath, "copy"));
            } catch (StoreException e) {
                failure.ifPresent(f -> e.addSuppressed(f.error()));
                throw e;
            }
            if (failure.isPresent()) {
                throw failure.get().ofSource()
                        ? HdfsErrors.classify(failure.get().error(), from, "copy")
                        : HdfsErrors.classify(failure.get().error(), target, "copy to");
            }
            FileStatus copied = fs.getFileStatus(temp);
            if (copied == null) {
                throw StoreException.malformedAnswer(target, "copy to", "the NameNode answered without a status");
            }
            ObjectInfo info = info(target, copied, "copy to");
            if (info.size() != source.size()) {
                throw cutShort(from, "copy", info.size(), source);
            }
            files.replace(temp, to);
            moved = true;
            return info; // a rename keeps the file id, modification time and length of what it moves
        } catch (IOException | IllegalArgumentException e) {
            throw HdfsErrors.classify(e, target, "copy to");
        } finally {
            if (!moved) {
                deleteQuietly(fs, temp);
            }
        }
    }

    /** The first failure of a copy's transfer, and whether it was reading the source (else writing the target). */
    private record TransferFailure(boolean ofSource, Exception error) {}

    /**
     * Streams {@code in} into a new file {@code temp} and closes it. Failures are returned, not thrown, so the
     * caller can first ask whether the source changed. The output stream is closed by hand: HDFS's stream
     * throws the same exception from a failed write and from the close that follows, which try-with-resources
     * would turn into an IllegalArgumentException ("Self-suppression not permitted").
     */
    private static Optional<TransferFailure> transfer(DistributedFileSystem fs, InputStream in, Path temp, long size) {
        FSDataOutputStream out;
        try {
            out = fs.create(temp, false);
        } catch (IOException | IllegalArgumentException e) {
            return Optional.of(new TransferFailure(false, e));
        }
        byte[] buffer = new byte[(int) Math.min(COPY_BUFFER, Math.max(size, 1))];
        Optional<TransferFailure> failure = Optional.empty();
        while (failure.isEmpty()) {
            int read;
            try {
                read = in.read(buffer);
            } catch (IOException | IllegalArgumentException e) {
                failure = Optional.of(new TransferFailure(true, e));
                break;
            }
            if (read < 0) {
                break;
            }
            try {
                out.write(buffer, 0, read);
            } catch (IOException | IllegalArgumentException e) {
                failure = Optional.of(new TransferFailure(false, e));
            }
        }
        Optional<Exception> closing = closeQuietly(out, failure.map(TransferFailure::error));
        return failure.isPresent() ? failure : closing.map(e -> new TransferFailure(false, e));
    }

    /**
     * Closes {@code out}; its failure is returned when nothing failed before, otherwise added to that failure as
     * suppressed unless it is the very same exception (HDFS's stream throws its first failure again).
     */
    private static Optional<Exception> closeQuietly(Closeable out, Optional<Exception> earlier) {
        try {
            out.close();
            return Optional.empty();
        } catch (IOException | IllegalArgumentException e) {
            if (earlier.isEmpty()) {
                return Optional.of(e);
            }
            if (earlier.get() != e) {
                earlier.get().addSuppressed(e);
            }
            return Optional.empty();
        }
    }

    /** Refuses a copy whose source is gone or is no longer at the version the caller listed. */
    private static void requireVersion(ObjectInfo source, Optional<ObjectInfo> current) throws StoreException {
        source.requireCurrent(current.map(ObjectInfo::version));
    }

    private static InputStream openSource(DistributedFileSystem fs, StoreUri source, Path path) throws StoreException {
        try {
            return fs.open(path, COPY_BUFFER);
        } catch (IOException | IllegalArgumentException e) {
            if (missing(e)) {
                throw new StoreNotFoundException(source, "cannot copy " + source + ": no such object", e);
            }
            throw HdfsErrors.classify(e, source, "copy");
        }
    }

    /** {@inheritDoc} A directory at {@code uri}, even an empty one, is not an object and is left alone. */
    @Override
    public void delete(StoreUri uri) throws StoreException {
        Path path = path(uri.requireObject(SCHEMES, nameLimits));
        DistributedFileSystem fs = client(uri);
        if (stat(fs, uri, path, "delete").isEmpty()) {
            return;
        }
        try {
            fs.delete(path, false);
        } catch (IOException | IllegalArgumentException e) {
            if (!missing(e)) {
                throw HdfsErrors.classify(e, uri, "delete");
            }
        }
    }

    /** Closes every NameNode's client; the first failure is thrown, naming that NameNode, the others suppressed. */
    @Override
    public void close() throws StoreException {
        StoreException first = null;
        for (Map.Entry<String, DistributedFileSystem> client : clients.entrySet()) {
            try {
                client.getValue().close();
            } catch (IOException e) {
                StoreUri nameNode = new StoreUri("hdfs", client.getKey(), "");
                StoreException failure = new StoreException(nameNode, "closing the HDFS client of " + nameNode + " failed: "
                        + HdfsErrors.detail(e), e);
                if (first == null) {
                    first = failure;
                } else {
                    first.addSuppressed(failure);
                }
            }
        }
        clients.clear();
        if (first != null) {
            throw first;
        }
    }

    // ---------------------------------------------------------------- helpers

    private DistributedFileSystem client(StoreUri uri) throws StoreException {
        uri.requireScheme(SCHEMES);
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
            // Hadoop reports an unknown host or name service, and a configuration value it cannot parse, this way.
            throw HdfsErrors.classifyClientSetup(e, uri);
        } catch (RuntimeException e) {
            // Hadoop's Configuration wraps a class it cannot load (a mistyped fs.hdfs.impl) in a RuntimeException.
            throw new StoreException(uri, "cannot create the HDFS client for " + uri + ": " + HdfsErrors.detail(e), e);
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

    /**
     * The absolute HDFS path of {@code uri}; names are taken literally ('%' and spaces included).
     *
     * @throws InvalidStoreUriException for a name HDFS refuses ({@code ':'} in a segment), and below
     *     {@code /.reserved}, where HDFS addresses files by inode id and raw bytes rather than by name
     */
    static Path path(StoreUri uri) {
        for (String segment : uri.path().split("/")) {
            if (segment.indexOf(':') >= 0) {
                throw new InvalidStoreUriException(uri.toString(), "HDFS refuses ':' in a name");
            }
        }
        if (uri.path().equals(RESERVED_ROOT) || uri.path().startsWith(RESERVED_ROOT + "/")) {
            throw new InvalidStoreUriException(uri.toString(), "/" + RESERVED_ROOT + " is HDFS's own namespace, not a directory of objects");
        }
        try {
            return new Path(new URI(null, null, "/" + uri.path(), null));
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new InvalidStoreUriException(uri.toString(), "not a valid HDFS path: " + HdfsErrors.detail(e));
        }
    }

    /** A temporary name beside {@code target}; the first time in its directory, abandoned ones there go first. */
    private Path temporary(HdfsFiles files, Path target) {
        Path directory = target.getParent();
        sweep.sweepOnce(files, directory);
        return new Path(directory, ReservedNames.newTemporaryName());
    }

    private HdfsFiles files(DistributedFileSystem fs, StoreUri uri) {
        return new HdfsFiles(fs, uri.authority(), lockTimeout);
    }

    /**
     * The version changes with every write: each write renames a new inode, with a new file id, into place.
     * A status without a file id (not HDFS's own, or the pre-inode-id 0) falls back to the path's time and length.
     */
    private static ObjectInfo info(StoreUri uri, FileStatus status, String action) throws StoreException {
        if (status.getLen() < 0) {
            throw StoreException.malformedAnswer(uri, action, "the NameNode reported a length of " + status.getLen());
        }
        Instant modified = Instant.ofEpochMilli(Math.max(status.getModificationTime(), 0));
        String id = status instanceof HdfsFileStatus hdfs && hdfs.getFileId() > 0 ? "id" + hdfs.getFileId() : "path";
        return new ObjectInfo(uri, status.getLen(), modified, id + "@" + status.getModificationTime() + "#" + status.getLen());
    }


    private static StoreException cutShort(StoreUri uri, String action, long got, ObjectInfo expected) {
        return new StoreException(uri, "cannot " + action + " " + uri + ": the bytes ended after " + got + " of "
                + expected.size() + " though its version stayed " + expected.version(), null);
    }

    /** A path below a file is reported as a failure of its own rather than as not found. */
    private static boolean missing(Exception e) {
        Throwable server = e instanceof RemoteException remote ? remote.unwrapRemoteException() : e;
        return server instanceof FileNotFoundException || server instanceof ParentNotDirectoryException;
    }


    private static void deleteQuietly(DistributedFileSystem fs, Path temp) {
        try {
            fs.delete(temp, false);
        } catch (IOException | IllegalArgumentException ignored) {
            // a leftover temporary file is hidden from listings and removed once abandoned
        }
    }

    @Override
    public String toString() {
        return "HdfsCheckpointStore[hdfs]";
    }
}
