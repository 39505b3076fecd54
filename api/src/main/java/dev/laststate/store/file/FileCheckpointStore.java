package dev.laststate.store.file;

import dev.laststate.store.Capability;
import dev.laststate.store.CheckpointStore;
import dev.laststate.store.ConditionFailedException;
import dev.laststate.store.Listing;
import dev.laststate.store.ObjectAlreadyExistsException;
import dev.laststate.store.ObjectContent;
import dev.laststate.store.ObjectInfo;
import dev.laststate.store.StoreAccessDeniedException;
import dev.laststate.store.StoreException;
import dev.laststate.store.StoreNotFoundException;
import dev.laststate.store.StoreUri;
import dev.laststate.store.WriteCondition;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AccessDeniedException;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

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
 * <p>Names starting with {@value #RESERVED_PREFIX} are this store's own temporary and lock files; they
 * are never listed.
 */
public final class FileCheckpointStore implements CheckpointStore {

    /** Prefix of the temporary and lock files this store keeps beside the objects. */
    public static final String RESERVED_PREFIX = ".laststate-";

    private static final String LOCK_FILE = RESERVED_PREFIX + "lock";
    private static final int READ_ATTEMPTS = 5;

    /** Serialises locked writes within this instance; file locks do so across processes. */
    private final ConcurrentHashMap<Path, ReentrantLock> directoryLocks = new ConcurrentHashMap<>();

    /** Whether "only if absent" may use a hard link; when not, it compares and moves under the lock. */
    private final boolean hardLinks;

    /** A store that creates "only if absent" with hard links, falling back to the lock where they fail. */
    public FileCheckpointStore() {
        this(true);
    }

    private FileCheckpointStore(boolean hardLinks) {
        this.hardLinks = hardLinks;
    }

    /**
     * A store that never uses hard links, for file systems that lack them (some FUSE and SMB mounts); its
     * "only if absent" holds the directory's lock file like "only if the version matches".
     */
    public static FileCheckpointStore withoutHardLinks() {
        return new FileCheckpointStore(false);
    }

    @Override
    public Set<String> schemes() {
        return Set.of("file");
    }

    @Override
    public Set<Capability> capabilities() {
        return EnumSet.allOf(Capability.class);
    }

    @Override
    public Listing list(StoreUri directory) throws StoreException {
        Path dir = local(directory);
        List<String> directories = new ArrayList<>();
        List<ObjectInfo> objects = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (name.startsWith(RESERVED_PREFIX)) {
                    continue;
                }
                BasicFileAttributes attributes;
                try {
                    attributes = Files.readAttributes(entry, BasicFileAttributes.class);
                } catch (NoSuchFileException vanished) {
                    continue;
                }
                if (attributes.isDirectory()) {
                    directories.add(name);
                } else if (attributes.isRegularFile()) {
                    objects.add(info(directory.resolve(name), attributes));
                }
            }
        } catch (NoSuchFileException | NotDirectoryException missing) {
            return Listing.empty(directory);
        } catch (IOException e) {
            throw classify(e, directory, "list");
        }
        directories.sort(Comparator.naturalOrder());
        objects.sort(Comparator.comparing(ObjectInfo::name));
        return new Listing(directory, directories, objects);
    }

    @Override
    public Optional<ObjectInfo> stat(StoreUri uri) throws StoreException {
        Path path = local(uri);
        try {
            BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
            return attributes.isRegularFile() ? Optional.of(info(uri, attributes)) : Optional.empty();
        } catch (NoSuchFileException | NotDirectoryException missing) {
            return Optional.empty();
        } catch (FileSystemException e) {
            // Linux reports a path below a regular file as a plain "Not a directory": no object there either.
            if (belowAFile(path)) {
                return Optional.empty();
            }
            throw classify(e, uri, "stat");
        } catch (IOException e) {
            throw classify(e, uri, "stat");
        }
    }

    @Override
    public ObjectContent read(StoreUri uri, long maxBytes) throws StoreException {
        Path path = local(uri);
        // Replacement is an atomic rename and an open stream keeps reading the file it opened: if the
        // identity is the same just before and just after the open, the bytes belong to that version.
        for (int attempt = 0; attempt < READ_ATTEMPTS; attempt++) {
            ObjectInfo before = stat(uri).orElseThrow(() -> notFound(uri, "read"));
            try (InputStream in = Files.newInputStream(path)) {
                Optional<ObjectInfo> after = stat(uri);
                if (after.isPresent() && after.get().version().equals(before.version())) {
                    return new ObjectContent(before, in.readNBytes((int) Math.min(maxBytes, Integer.MAX_VALUE - 8)));
                }
            } catch (NoSuchFileException replacedOrDeleted) {
                // the next attempt's stat tells which
            } catch (IOException e) {
                throw classify(e, uri, "read");
            }
        }
        throw new StoreException(uri, "cannot read " + uri + ": it kept changing while being read", null);
    }

    @Override
    public ObjectInfo write(StoreUri uri, byte[] bytes, WriteCondition condition) throws StoreException {
        Path path = local(uri);
        Path temp = createTemp(uri, path);
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            switch (condition.kind()) {
                case OVERWRITE -> moveIntoPlace(temp, path);
                case IF_ABSENT -> createIfAbsent(uri, temp, path);
                case IF_VERSION_MATCHES -> replaceIfUnchanged(uri, temp, path, Optional.of(condition.expectedVersion().orElseThrow()));
            }
        } catch (IOException e) {
            throw e instanceof StoreException s ? s : classify(e, uri, "write");
        } finally {
            deleteQuietly(temp);
        }
        return stat(uri).orElseThrow(() -> new StoreException(uri, "wrote " + uri + " but it vanished at once", null));
    }

    @Override
    public ObjectInfo copy(StoreUri source, StoreUri target) throws StoreException {
        Path from = local(source);
        Path to = local(target);
        if (stat(source).isEmpty()) {
            throw notFound(source, "copy");
        }
        Path temp = createTemp(target, to);
        try {
            try {
                Files.copy(from, temp, StandardCopyOption.REPLACE_EXISTING);
            } catch (NoSuchFileException e) {
                throw notFound(source, "copy");
            }
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            moveIntoPlace(temp, to);
        } catch (IOException e) {
            throw e instanceof StoreException s ? s : classify(e, target, "copy to");
        } finally {
            deleteQuietly(temp);
        }
        return stat(target).orElseThrow(() -> new StoreException(target, "copied to " + target + " but it vanished at once", null));
    }

    @Override
    public void delete(StoreUri uri) throws StoreException {
        Path path = local(uri);
        try {
            if (Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS) || Files.isSymbolicLink(path)) {
                Files.deleteIfExists(path);
            }
        } catch (NoSuchFileException gone) {
            // deleting a missing object succeeds
        } catch (IOException e) {
            throw classify(e, uri, "delete");
        }
    }

    private static Path local(StoreUri uri) {
        if (!uri.scheme().equals("file")) {
            throw new IllegalArgumentException("the file store cannot serve " + uri);
        }
        return uri.toLocalPath();
    }

    private static boolean belowAFile(Path path) {
        for (Path parent = path.getParent(); parent != null; parent = parent.getParent()) {
            if (Files.isRegularFile(parent)) {
                return true;
            }
        }
        return false;
    }

    private static ObjectInfo info(StoreUri uri, BasicFileAttributes attributes) {
        Object key = attributes.fileKey();
        String version = (key == null ? "" : key.toString()) + "@"
                + attributes.lastModifiedTime().toInstant() + "#" + attributes.size();
        return new ObjectInfo(uri, attributes.size(), attributes.lastModifiedTime().toInstant(), version);
    }

    private Path createTemp(StoreUri uri, Path path) throws StoreException {
        try {
            Files.createDirectories(path.getParent());
            return Files.createFile(path.resolveSibling(RESERVED_PREFIX + "tmp-" + UUID.randomUUID()));
        } catch (FileAlreadyExistsException | NotDirectoryException e) {
            throw new StoreException(uri, "cannot write " + uri + ": a parent of it is an object, not a directory", e);
        } catch (IOException e) {
            throw classify(e, uri, "write");
        }
    }

    private static void moveIntoPlace(Path temp, Path path) throws IOException {
        Files.move(temp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private void createIfAbsent(StoreUri uri, Path temp, Path path) throws IOException {
        if (hardLinks) {
            try {
                Files.createLink(path, temp);
                return;
            } catch (FileAlreadyExistsException e) {
                throw new ObjectAlreadyExistsException(uri, uri + " already exists", e);
            } catch (UnsupportedOperationException | FileSystemException noHardLinks) {
                // this file system has no hard links: compare and move under the lock instead
            }
        }
        replaceIfUnchanged(uri, temp, path, Optional.empty());
    }

    /** Moves {@code temp} into place if the object is absent ({@code expected} empty) or has that version. */
    private void replaceIfUnchanged(StoreUri uri, Path temp, Path path, Optional<String> expected) throws IOException {
        Path directory = path.getParent();
        ReentrantLock local = directoryLocks.computeIfAbsent(directory, d -> new ReentrantLock());
        local.lock();
        try (FileChannel lockChannel = FileChannel.open(directory.resolve(LOCK_FILE),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = lockAcross(lockChannel)) {
            Optional<ObjectInfo> current = stat(uri);
            if (expected.isEmpty() && current.isPresent()) {
                throw new ObjectAlreadyExistsException(uri, uri + " already exists", null);
            }
            if (expected.isPresent() && current.isEmpty()) {
                throw new ConditionFailedException(uri, uri + " no longer exists (expected version " + expected.get() + ")", null);
            }
            if (expected.isPresent() && !current.get().version().equals(expected.get())) {
                throw new ConditionFailedException(uri, uri + " changed since it was read", null);
            }
            moveIntoPlace(temp, path);
        } finally {
            local.unlock();
        }
    }

    /** Another store instance in this JVM may hold the lock; the JVM reports that instead of waiting. */
    private static FileLock lockAcross(FileChannel channel) throws IOException {
        while (true) {
            try {
                return channel.lock();
            } catch (OverlappingFileLockException heldInThisJvm) {
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while waiting for " + channel, e);
                }
            }
        }
    }

    private static void deleteQuietly(Path temp) {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException ignored) {
            // a leftover temporary file is hidden from listings and harmless
        }
    }

    private static StoreNotFoundException notFound(StoreUri uri, String action) {
        return new StoreNotFoundException(uri, "cannot " + action + " " + uri + ": no such object", null);
    }

    private static StoreException classify(IOException e, StoreUri uri, String action) {
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
