package dev.laststate.store.file;

import dev.laststate.store.StoreException;
import dev.laststate.store.StoreUnavailableException;
import dev.laststate.store.StoreUri;
import dev.laststate.store.atomic.CrossProcessLock;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A directory's lock file, locked with a POSIX record lock ({@link FileChannel#tryLock()}), which the operating
 * system releases when the holding process dies. The holder writes one line into it (its pid, host and the
 * time), so that a waiter that gives up can name it.
 */
final class LockFile implements CrossProcessLock {

    /** The holder's description is one short line; more than this is not ours. */
    private static final int MAX_HOLDER_DESCRIPTION = 512;

    private final StoreUri uri;
    private final Path path;
    private final Duration wait;
    private final Supplier<String> hostName;
    /** Opened on the first try and kept for the others: opening another channel to the file would drop locks. */
    private Optional<FileChannel> channel = Optional.empty();

    /**
     * @param uri the location being written, for the messages
     * @param path the lock file
     * @param wait the bound on the wait, for the message of a waiter that gives up
     * @param hostName this host's name, resolved when first needed
     */
    LockFile(StoreUri uri, Path path, Duration wait, Supplier<String> hostName) {
        this.uri = uri;
        this.path = path;
        this.wait = wait;
        this.hostName = hostName;
    }

    /** Another store instance in this JVM may hold it; the JVM reports that as an overlap, taken as held. */
    @Override
    public Optional<Closeable> tryLock() throws IOException {
        if (channel.isEmpty()) {
            // NOFOLLOW_LINKS: a link planted under the lock file's name must not make us write elsewhere.
            channel = Optional.of(FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS));
        }
        FileLock lock;
        try {
            lock = channel.get().tryLock();
        } catch (OverlappingFileLockException heldInThisJvm) {
            return Optional.empty();
        }
        if (lock == null) {
            return Optional.empty();
        }
        try {
            describeHolder(channel.get(), hostName.get());
        } catch (IOException e) {
            lock.release();
            throw e;
        }
        return Optional.of(lock::release);
    }

    /** The holder's line from the lock file, read through the waiter's own channel (opening another would drop locks). */
    @Override
    public String holder() {
        try {
            ByteBuffer buffer = ByteBuffer.allocate(MAX_HOLDER_DESCRIPTION);
            while (buffer.hasRemaining() && channel.orElseThrow().read(buffer, buffer.position()) > 0) {
                // keep reading until the line or the buffer ends
            }
            String text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8).strip();
            int newline = text.indexOf('\n');
            String line = (newline < 0 ? text : text.substring(0, newline)).replaceAll("\\p{Cntrl}", "?");
            return line.isEmpty() ? "an unknown process (it has not described itself yet)" : line;
        } catch (IOException e) {
            return "an unknown process (the lock file could not be read: " + e.getMessage() + ")";
        }
    }

    @Override
    public StoreUnavailableException timedOut(String holder) {
        return new StoreUnavailableException(uri, "cannot write " + uri + ": gave up after " + shown(wait)
                + " waiting for the lock file " + path + ", held by " + holder
                + " (a stopped or hung promoter; the lock is released when that process ends)", null);
    }

    @Override
    public IOException interrupted(InterruptedException e) {
        return new StoreException(uri, "interrupted while waiting for the lock file " + path, e);
    }

    @Override
    public void close() throws IOException {
        if (channel.isPresent()) {
            channel.get().close();
        }
    }

    /** Writes who holds the lock into the lock file, so a waiter that gives up can name the holder. */
    static void describeHolder(FileChannel lockChannel, String hostName) throws IOException {
        String description = "pid " + ProcessHandle.current().pid() + " on host " + hostName + " since " + Instant.now() + "\n";
        lockChannel.truncate(0);
        ByteBuffer buffer = ByteBuffer.wrap(description.getBytes(StandardCharsets.UTF_8));
        long position = 0;
        while (buffer.hasRemaining()) {
            position += lockChannel.write(buffer, position);
        }
    }

    private static String shown(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
    }
}
