package dev.laststate.store.file;

import dev.laststate.store.Capability;
import dev.laststate.store.CheckpointStore;
import dev.laststate.store.Listing;
import dev.laststate.store.NameLimit;
import dev.laststate.store.ReservedNames;
import dev.laststate.store.ObjectAlreadyExistsException;
import dev.laststate.store.ObjectContent;
import dev.laststate.store.ObjectInfo;
import dev.laststate.store.ObjectStreams;
import dev.laststate.store.StoreAccessDeniedException;
import dev.laststate.store.StoreException;
import dev.laststate.store.StoreNotFoundException;
import dev.laststate.store.StoreUnavailableException;
import dev.laststate.store.StoreUri;
import dev.laststate.store.WriteCondition;
import dev.laststate.store.atomic.ConditionalRename;
import dev.laststate.store.atomic.CrossProcessLock;
import dev.laststate.store.atomic.DirectoryLocks;
import dev.laststate.store.atomic.ListingBuilder;
import dev.laststate.store.atomic.RenamingFileSystem;
import dev.laststate.store.atomic.StaleTemporarySweep;
import dev.laststate.store.atomic.TemporaryFile;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The embedded default store: a local (or mounted) directory tree.
 *
 * <p>Every write goes to a temporary file in the target's directory, is forced to disk and then moved
 * into place atomically, so readers never see a partial object. "Only if absent" is a hard link, which
 * the file system refuses atomically when the name exists (on file systems without hard links it holds the
 * lock described next). "Only if the version matches" holds an
 * exclusive lock on the directory's lock file (across processes) while it compares and moves. The
 * version token is the file's identity (inode) with its modification time and size: every write
 * replaces the inode, so a concurrent change is always seen.
 *
 * <p><b>Symbolic links are never followed.</b> A link inside a listed directory (to a file or a
 * directory, dangling or not) is neither an object nor a directory: its name is in
 * {@link Listing#skipped()}. Stat, read, write, copy, delete and list of a location any existing
 * component of which (the location itself or any ancestor, up to {@code /}) is a symbolic link fail
 * with a {@link StoreException} and change nothing: give the store real paths (the CLI resolves the
 * links in what the user types). The check costs one {@code realpath} of the deepest existing
 * component per call, whatever the depth. It guards against links that are in place when a call
 * starts; a component replaced by a link during the call is caught only for the last component, which
 * is opened without following links.
 *
 * <p><b>Names a location cannot hold</b> (control characters such as a newline) are listed in
 * {@link Listing#skipped()}, never a failure of the whole listing.
 *
 * <p><b>Reserved names.</b> The store's own files are {@code .laststate-lock} and
 * {@code .laststate-tmp-<uuid>}; they are never listed. Any other name starting with
 * {@value #RESERVED_PREFIX} is not the store's, so it is listed in {@link Listing#skipped()} rather
 * than hidden: a promotion then refuses the directory instead of silently leaving the file behind.
 *
 * <p><b>The lock.</b> The lock file is locked with a POSIX record lock ({@link FileChannel#tryLock()}),
 * which the operating system releases when the holding process dies, however it dies: a lock is only
 * ever held by a live process, so there is no stale lock to clean up. A <em>stopped or hung</em> holder
 * keeps it, though; waiters poll for at most {@link #DEFAULT_LOCK_WAIT} and then fail with a
 * {@link StoreUnavailableException} naming the lock file and the holder (exit 4 in the CLI), never wait
 * forever. The holder writes one line into the lock file after taking it (its pid, host and the time)
 * so that message can say who it is. Within one JVM, use one instance per directory tree: POSIX drops
 * all of a process's locks on a file when any of its channels to that file closes, so a waiter of a
 * second instance that gives up while the first instance holds the lock would release it for other
 * processes.
 *
 * <p><b>Abandoned temporary files.</b> A writer killed mid-write leaves its temporary file behind. The
 * first write or copy of an instance into a directory removes the store's temporary files there that are
 * older than {@link #ABANDONED_TEMP_AGE} (one directory scan per directory per instance). A write or
 * copy still in progress after that long loses its temporary file and fails with a
 * {@link StoreException}; it never leaves a partial object.
 */
public final class FileCheckpointStore implements CheckpointStore {

    /** Prefix of the temporary and lock files this store keeps beside the objects. */
    public static final String RESERVED_PREFIX = ReservedNames.PREFIX;

    /** How long a conditional write waits for another process's lock on the directory before giving up. */
    public static final Duration DEFAULT_LOCK_WAIT = Duration.ofSeconds(30);

    /** Age after which a temporary file of this store counts as left behind by a killed writer. */
    public static final Duration ABANDONED_TEMP_AGE = ReservedNames.ABANDONED_TEMP_AGE;

    static final String LOCK_FILE = ReservedNames.LOCK_FILE;
    private static final Set<String> SCHEMES = Set.of("file");
    /** A file name of at most 255 bytes (NAME_MAX of Linux's file systems; APFS's too). */
    private static final List<NameLimit> NAME_LIMITS = List.of(new NameLimit(NameLimit.Measure.SEGMENT_BYTES, 255));
    private static final int READ_ATTEMPTS = 5;
    /** The largest array the JVM reliably allocates. */
    private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

    /** Moves written temporary files into place; holds this instance's directory locks (the lock file across processes). */
    private final ConditionalRename rename;
    private final StaleTemporarySweep sweep = new StaleTemporarySweep();
    private final LocalFileSystem files = new LocalFileSystem();

    /** Whether "only if absent" may use a hard link; when not, it compares and moves under the lock. */
    private final boolean hardLinks;

    /** How long to wait for the directory's lock, within this JVM and across processes together. */
    private final Duration lockWait;

    /** Resolved on first use: the name lookup may be slow, and most instances never lock. */
    private volatile String hostName;

    /** A store that creates "only if absent" with hard links, falling back to the lock where they fail. */
    public FileCheckpointStore() {
        this(true, DEFAULT_LOCK_WAIT);
    }

    /** For tests: a shorter bound on the lock wait. */
    FileCheckpointStore(boolean hardLinks, Duration lockWait) {
        Objects.requireNonNull(lockWait, "lockWait");
        if (lockWait.isNegative()) {
            throw new IllegalArgumentException("negative lock wait " + lockWait);
        }
        this.hardLinks = hardLinks;
        this.lockWait = lockWait;
        this.rename = new ConditionalRename(new DirectoryLocks(lockWait, Duration.ofMillis(1), Duration.ofMillis(50)));
    }

    /**
     * A store that never uses hard links, for file systems that lack them (some FUSE and SMB mounts); its
     * "only if absent" holds the directory's lock file like "only if the version matches".
     */
    public static FileCheckpointStore withoutHardLinks() {
        return new FileCheckpointStore(false, DEFAULT_LOCK_WAIT);
    }

    @Override
    public Set<String> schemes() {
        return SCHEMES;
    }

    @Override
    public Set<Capability> capabilities() {
        return EnumSet.allOf(Capability.class); // BOUNDED_STREAMS too: readStream and writeStream go through one buffer
    }

    @Override
    public List<NameLimit> nameLimits() {
        return NAME_LIMITS;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Symbolic links, special files (FIFOs, sockets, devices) and reserved names that are not the
     * store's own are listed in {@link Listing#skipped()}.
     *
     * @throws StoreException when {@code directory} or one of its ancestors is a symbolic link
     */
    @Override
    public Listing list(StoreUri directory) throws StoreException {
        Path dir = directory.requireScheme(SCHEMES).toLocalPath();
        Optional<BasicFileAttributes> attributes = inspect(directory, dir, "list");
        if (attributes.isEmpty() || !attributes.get().isDirectory()) {
            return Listing.empty(directory);
        }
        ListingBuilder listing = new ListingBuilder(directory);
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                BasicFileAttributes entryAttributes;
                try {
                    entryAttributes = Files.readAttributes(entry, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                } catch (NoSuchFileException vanished) {
                    continue;
                }
                listing.add(name, ListingBuilder.Kind.of(entryAttributes.isSymbolicLink(), entryAttributes.isDirectory(),
                        entryAttributes.isRegularFile()), uri -> info(uri, entryAttributes));
            }
        } catch (NoSuchFileException | NotDirectoryException missing) {
            return Listing.empty(directory);
        } catch (DirectoryIteratorException e) {
            throw classify(e.getCause(), directory, "list");
        } catch (IOException e) {
            throw classify(e, directory, "list");
        }
        return listing.build();
    }

    /**
     * {@inheritDoc}
     *
     * @throws StoreException when {@code uri} or one of its existing ancestors is a symbolic link
     */
    @Override
    public Optional<ObjectInfo> stat(StoreUri uri) throws StoreException {
        return inspect(uri, local(uri), "stat")
                .filter(BasicFileAttributes::isRegularFile)
                .map(attributes -> info(uri, attributes));
    }

    /**
     * {@inheritDoc}
     *
     * @throws StoreException when the object is larger than a Java array can hold and more than that was
     *     asked for, or when {@code uri} or one of its ancestors is a symbolic link
     */
    @Override
    public ObjectContent read(StoreUri uri, long maxBytes) throws StoreException {
        Path path = local(uri);
        // Replacement is an atomic rename and an open stream keeps reading the file it opened: if the
        // identity is the same just before and just after the open, the bytes belong to that version.
        for (int attempt = 0; attempt < READ_ATTEMPTS; attempt++) {
            ObjectInfo before = stat(uri).orElseThrow(() -> StoreNotFoundException.noSuchObject(uri, "read"));
            if (maxBytes > MAX_ARRAY && before.size() > MAX_ARRAY) {
                throw new StoreException(uri, "cannot read " + uri + ": the object is too large to read into memory ("
                        + before.size() + " bytes; at most " + MAX_ARRAY + ")", null);
            }
            try (InputStream in = Files.newInputStream(path, LinkOption.NOFOLLOW_LINKS)) {
                Optional<BasicFileAttributes> after = attributesOf(path);
                if (after.isPresent() && after.get().isRegularFile() && version(after.get()).equals(before.version())) {
                    return new ObjectContent(before, in.readNBytes((int) Math.min(maxBytes, MAX_ARRAY)));
                }
            } catch (NoSuchFileException replacedOrDeleted) {
                // the next attempt's stat tells which
            } catch (IOException e) {
                if (Files.isSymbolicLink(path)) {
                    throw linkRefused(uri, path); // a link swapped in since the stat: the open refused it
                }
                throw classify(e, uri, "read");
            }
        }
        throw new StoreException(uri, "cannot read " + uri + ": it kept changing while being read", null);
    }

    /**
     * {@inheritDoc}
     *
     * @throws StoreUnavailableException when the condition needs the directory's lock and another process
     *     held it for longer than the lock wait
     * @throws StoreException when {@code uri} or one of its existing ancestors is a symbolic link
     */
    @Override
    public ObjectInfo write(StoreUri uri, byte[] bytes, WriteCondition condition) throws StoreException {
        Path path = local(uri);
        inspect(uri, path, "write");
        Path temp = createTemp(uri, path);
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            rename.publish(files, uri, temp, path, condition);
        } catch (IOException e) {
            throw classifyWrite(e, uri, temp, "write");
        } finally {
            deleteQuietly(temp);
        }
        return stat(uri).orElseThrow(() -> new StoreException(uri, "wrote " + uri + " but it vanished at once", null));
    }

    /**
     * {@inheritDoc}
     *
     * <p>Bounded: the open file is read where it lies. Its version is the same just before the open, just after it
     * and after the last byte, or the stream fails with a {@link dev.laststate.store.ConditionFailedException}.
     *
     * @throws StoreException when {@code uri} or one of its ancestors is a symbolic link
     */
    @Override
    public InputStream readStream(StoreUri uri, Optional<String> version, long offset, long length) throws StoreException {
        ObjectStreams.requireRange(uri, offset, length);
        Path path = local(uri);
        if (length == 0) {
            inspect(uri, path, "read");
            return InputStream.nullInputStream();
        }
        for (int attempt = 0; attempt < READ_ATTEMPTS; attempt++) {
            ObjectInfo before = stat(uri).orElseThrow(() -> StoreNotFoundException.noSuchObject(uri, "read"));
            ObjectStreams.requireVersionAndSize(uri, version, offset + length, before);
            FileChannel channel;
            try {
                channel = openSource(uri, path);
            } catch (StoreNotFoundException replacedOrDeleted) {
                continue; // the next attempt's stat tells which
            } catch (IOException e) {
                throw classify(e, uri, "read");
            }
            try {
                Optional<BasicFileAttributes> after = attributesOf(path);
                if (after.isPresent() && after.get().isRegularFile() && version(after.get()).equals(before.version())) {
                    channel.position(offset);
                    return ObjectStreams.exactly(uri, length, Channels.newInputStream(channel),
                            e -> e instanceof IOException io ? classify(io, uri, "read")
                                    : new StoreException(uri, "cannot read " + uri + ": " + e, e),
                            () -> requireUnchanged(before, path));
                }
                channel.close();
            } catch (IOException e) {
                closeQuietly(channel);
                throw classify(e, uri, "read");
            }
        }
        throw new StoreException(uri, "cannot read " + uri + ": it kept changing while being opened", null);
    }

    /** The version after the last byte of a stream, against the one it was opened at. */
    private static void requireUnchanged(ObjectInfo opened, Path path) throws StoreException {
        try {
            opened.requireCurrent(attributesOf(path).filter(BasicFileAttributes::isRegularFile).map(FileCheckpointStore::version),
                    "read");
        } catch (IOException e) {
            throw classify(e, opened.uri(), "read");
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // the stream failed already; that failure is the one to report
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Bounded: written through one buffer into a temporary file in the same directory, forced to disk, then
     * renamed into place.
     *
     * @throws StoreException when {@code uri} or one of its existing ancestors is a symbolic link
     */
    @Override
    public ObjectInfo writeStream(StoreUri uri, InputStream content, long length) throws StoreException {
        ObjectStreams.requireRange(uri, 0, length);
        Path path = local(uri);
        inspect(uri, path, "write");
        Path temp = createTemp(uri, path);
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                ObjectStreams.copyExactly(uri, content, length, Channels.newOutputStream(channel));
                channel.force(true);
            }
            rename.publish(files, uri, temp, path, WriteCondition.overwrite());
        } catch (IOException e) {
            throw classifyWrite(e, uri, temp, "write");
        } finally {
            deleteQuietly(temp);
        }
        return stat(uri).orElseThrow(() -> new StoreException(uri, "wrote " + uri + " but it vanished at once", null));
    }

    /**
     * {@inheritDoc}
     *
     * @throws StoreException when {@code source}, {@code target} or one of their existing ancestors is a
     *     symbolic link; {@code target} is then unchanged
     */
    @Override
    public ObjectInfo copy(ObjectInfo source, StoreUri target) throws StoreException {
        StoreUri from = source.uri();
        Path fromPath = local(from);
        Path to = local(target);
        requireVersion(source, inspect(from, fromPath, "copy"));
        inspect(target, to, "copy to");
        Path temp = createTemp(target, to);
        try {
            // Opened without following links, so a link swapped in since the check is refused, not copied.
            try (FileChannel in = openSource(from, fromPath);
                 FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                long size = in.size();
                long position = 0;
                while (position < size) {
                    long transferred = in.transferTo(position, size - position, out);
                    if (transferred <= 0) {
                        break; // the source shrank while being copied: the version check below refuses it
                    }
                    position += transferred;
                }
                out.force(true);
            }
            // The same version just before the open and after the last byte: the bytes are that version's.
            requireVersion(source, attributesOf(fromPath));
            BasicFileAttributes copied = attributesOf(temp).orElseThrow(() -> new NoSuchFileException(temp.toString()));
            files.replace(temp, to);
            return info(target, copied); // a rename keeps the identity, time and size of what it moves
        } catch (IOException e) {
            throw classifyWrite(e, target, temp, "copy to");
        } finally {
            deleteQuietly(temp);
        }
    }

    /** Refuses a copy whose source is gone or is no longer at the version the caller listed. */
    private static void requireVersion(ObjectInfo source, Optional<BasicFileAttributes> current) throws StoreException {
        source.requireCurrent(current.filter(BasicFileAttributes::isRegularFile).map(FileCheckpointStore::version));
    }

    /**
     * {@inheritDoc}
     *
     * <p>A directory at {@code uri} is not an object and is left alone.
     *
     * @throws StoreException when {@code uri} or one of its existing ancestors is a symbolic link; nothing
     *     is deleted then
     */
    @Override
    public void delete(StoreUri uri) throws StoreException {
        Path path = local(uri);
        Optional<BasicFileAttributes> attributes = inspect(uri, path, "delete");
        if (attributes.isEmpty() || !attributes.get().isRegularFile()) {
            return;
        }
        try {
            // unlink never follows a link, even one swapped in since the check
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw classify(e, uri, "delete");
        }
    }

    /** The local path of an object's location: never another scheme's, never the root of the file system. */
    private static Path local(StoreUri uri) {
        return uri.requireObject(SCHEMES, NAME_LIMITS).toLocalPath();
    }

    /**
     * The attributes of {@code path} itself (links not followed), empty when nothing is there, including
     * when a missing or non-directory ancestor stands in the way. Refuses when any existing component of
     * {@code path} is a symbolic link: one lstat per missing trailing component, then one realpath of the
     * deepest existing component, compared with that component ({@link StoreUri} paths are absolute and
     * hold no {@code .} or {@code ..}, so they are already normal).
     */
    private static Optional<BasicFileAttributes> inspect(StoreUri uri, Path path, String action) throws StoreException {
        Path existing = path;
        while (existing != null) {
            BasicFileAttributes attributes;
            try {
                attributes = Files.readAttributes(existing, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (AccessDeniedException e) {
                throw classify(e, uri, action);
            } catch (FileSystemException missingOrBelowAFile) {
                // ENOENT, or ENOTDIR below a regular file (or ELOOP below a link): the deeper part does not exist
                existing = existing.getParent();
                continue;
            } catch (IOException e) {
                throw classify(e, uri, action);
            }
            if (attributes.isSymbolicLink()) {
                throw linkRefused(uri, existing);
            }
            Path real;
            try {
                real = existing.toRealPath();
            } catch (NoSuchFileException vanished) {
                existing = existing.getParent();
                continue;
            } catch (IOException e) {
                throw classify(e, uri, action);
            }
            if (!real.equals(existing)) {
                throw linkRefused(uri, firstLink(existing).orElse(existing));
            }
            return existing.equals(path) ? Optional.of(attributes) : Optional.empty();
        }
        return Optional.empty();
    }

    /** The first symbolic link among the components of {@code path}, searched only to name it in an error. */
    private static Optional<Path> firstLink(Path path) {
        Path prefix = path.getRoot();
        for (Path name : path) {
            prefix = prefix == null ? name : prefix.resolve(name);
            if (Files.isSymbolicLink(prefix)) {
                return Optional.of(prefix);
            }
        }
        return Optional.empty();
    }

    private static StoreException linkRefused(StoreUri uri, Path link) {
        return new StoreException(uri, "refusing " + uri + ": " + link
                + " is a symbolic link; laststate never follows links (give the real path)", null);
    }

    /** The attributes of {@code path} itself, without the link check; for a second look within one call. */
    private static Optional<BasicFileAttributes> attributesOf(Path path) throws IOException {
        try {
            return Optional.of(Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS));
        } catch (NoSuchFileException gone) {
            return Optional.empty();
        }
    }

    private static FileChannel openSource(StoreUri source, Path from) throws IOException {
        try {
            return FileChannel.open(from, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            throw StoreNotFoundException.noSuchObject(source, "copy");
        } catch (FileSystemException e) {
            if (Files.isSymbolicLink(from)) {
                throw linkRefused(source, from);
            }
            throw classify(e, source, "copy");
        }
    }

    private static ObjectInfo info(StoreUri uri, BasicFileAttributes attributes) {
        return new ObjectInfo(uri, attributes.size(), attributes.lastModifiedTime().toInstant(), version(attributes));
    }

    private static String version(BasicFileAttributes attributes) {
        Object key = attributes.fileKey();
        return (key == null ? "" : key.toString()) + "@"
                + attributes.lastModifiedTime().toInstant() + "#" + attributes.size();
    }

    private Path createTemp(StoreUri uri, Path path) throws StoreException {
        Path directory = path.getParent();
        try {
            Files.createDirectories(directory);
            sweep.sweepOnce(files, directory);
            return Files.createFile(directory.resolve(ReservedNames.newTemporaryName()));
        } catch (FileAlreadyExistsException | NotDirectoryException e) {
            throw new StoreException(uri, "cannot write " + uri + ": a parent of it is an object, not a directory", e);
        } catch (IOException e) {
            throw classify(e, uri, "write");
        }
    }

    /** The local file system's calls behind {@link ConditionalRename} and {@link StaleTemporarySweep}. */
    private final class LocalFileSystem implements RenamingFileSystem<Path> {

        @Override
        public Path directoryOf(Path path) {
            return path.getParent();
        }

        @Override
        public String key(Path directory) {
            return directory.toString();
        }

        @Override
        public Optional<String> version(StoreUri uri, Path target) throws IOException {
            return stat(uri).map(ObjectInfo::version);
        }

        @Override
        public void replace(Path temp, Path target) throws IOException {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }

        /** A hard link, which the file system refuses atomically when the name exists; false where there are none. */
        @Override
        public boolean createExclusively(StoreUri uri, Path temp, Path target) throws IOException {
            if (!hardLinks) {
                return false;
            }
            try {
                Files.createLink(target, temp);
                return true;
            } catch (FileAlreadyExistsException e) {
                throw ConditionalRename.alreadyExists(uri, e);
            } catch (NoSuchFileException e) {
                throw e; // the temporary file is gone: not a missing hard-link feature
            } catch (UnsupportedOperationException | FileSystemException noHardLinks) {
                return false;
            }
        }

        @Override
        public CrossProcessLock lock(StoreUri uri, Path directory) {
            return new LockFile(uri, directory.resolve(LOCK_FILE), lockWait, FileCheckpointStore.this::hostName);
        }

        @Override
        public List<TemporaryFile<Path>> temporaries(Path directory) throws IOException {
            List<TemporaryFile<Path>> temporaries = new ArrayList<>();
            try (DirectoryStream<Path> candidates = Files.newDirectoryStream(directory, ReservedNames.PREFIX + "tmp-*")) {
                for (Path candidate : candidates) {
                    try {
                        BasicFileAttributes attributes = Files.readAttributes(candidate, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                        temporaries.add(new TemporaryFile<>(candidate, candidate.getFileName().toString(),
                                attributes.isRegularFile(), attributes.lastModifiedTime().toInstant()));
                    } catch (IOException vanished) {
                        // removed since the listing, or not ours to read
                    }
                }
            } catch (DirectoryIteratorException e) {
                throw e.getCause();
            }
            return temporaries;
        }

        @Override
        public void delete(Path path) throws IOException {
            Files.deleteIfExists(path);
        }
    }

    private String hostName() {
        String name = hostName;
        if (name == null) {
            try {
                name = InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                name = "unknown";
            }
            hostName = name;
        }
        return name;
    }

    private static void deleteQuietly(Path temp) {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException ignored) {
            // a leftover temporary file is hidden from listings and removed once it is old
        }
    }


    /** As {@link #classify}, telling apart the one way a write loses its temporary file. */
    private static StoreException classifyWrite(IOException e, StoreUri uri, Path temp, String action) {
        if (e instanceof StoreException s) {
            return s;
        }
        if (e instanceof NoSuchFileException && Files.notExists(temp, LinkOption.NOFOLLOW_LINKS)) {
            return new StoreException(uri, "cannot " + action + " " + uri + ": its temporary file " + temp
                    + " was removed before it was moved into place (a write older than " + ABANDONED_TEMP_AGE.toMinutes()
                    + " minutes counts as abandoned, or the directory was deleted); nothing was written", e);
        }
        return classify(e, uri, action);
    }

    private static StoreException classify(IOException e, StoreUri uri, String action) {
        if (e instanceof StoreException s) {
            return s;
        }
        if (e instanceof NoSuchFileException) {
            return new StoreNotFoundException(uri, "cannot " + action + " " + uri + ": no such file or directory", e);
        }
        if (e instanceof AccessDeniedException) {
            return new StoreAccessDeniedException(uri, "cannot " + action + " " + uri + ": permission denied", e);
        }
        if (e instanceof FileAlreadyExistsException) {
            return new ObjectAlreadyExistsException(uri, "cannot " + action + " " + uri + ": it already exists", e);
        }
        String detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return new StoreException(uri, "cannot " + action + " " + uri + ": " + detail, e);
    }

    @Override
    public String toString() {
        return "FileCheckpointStore" + Arrays.toString(schemes().toArray());
    }
}
