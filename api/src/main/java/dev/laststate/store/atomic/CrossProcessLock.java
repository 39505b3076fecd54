package dev.laststate.store.atomic;

import dev.laststate.store.StoreUnavailableException;
import java.io.Closeable;
import java.io.IOException;
import java.util.Optional;

/**
 * A directory's lock as other processes (or clients of the same file system) take it: a file lock, an HDFS
 * lease. {@link DirectoryLocks} polls {@link #tryLock} until it succeeds or the wait is over, then closes this.
 */
public interface CrossProcessLock extends Closeable {

    /**
     * Tries once to take the lock, opening what it needs on the first try.
     *
     * @return what releases the lock when closed; empty while someone else holds it
     */
    Optional<Closeable> tryLock() throws IOException;

    /** Who holds the lock, as well as can be told, for the message of a waiter that gives up. */
    String holder();

    /** The failure of a write that gave up waiting while {@code holder} held the lock. */
    StoreUnavailableException timedOut(String holder);

    /** The failure of a write interrupted while waiting for the lock. */
    IOException interrupted(InterruptedException e);

    /** Releases what {@link #tryLock} opened (the lock itself is released by what it returned). */
    @Override
    void close() throws IOException;
}
