package dev.laststate.store.atomic;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One store instance's locks on directories: a lock within this JVM per directory, then the directory's
 * {@link CrossProcessLock}, polled with a doubling pause. One deadline covers both, so a writer never waits
 * longer than {@code wait} in all.
 */
public final class DirectoryLocks {

    /** What runs holding a directory's lock. */
    @FunctionalInterface
    public interface LockedAction {
        void run() throws IOException;
    }

    /** Within this JVM; the cross-process lock does not exclude two threads of one process in every file system. */
    private final ConcurrentHashMap<String, ReentrantLock> local = new ConcurrentHashMap<>();
    private final Duration wait;
    private final long firstPauseNanos;
    private final long longestPauseNanos;

    /**
     * @param wait how long to wait for a directory's lock, within this JVM and across processes together
     * @param firstPause the pause after the first refused try of the cross-process lock; it doubles after each
     * @param longestPause the longest pause between two tries
     */
    public DirectoryLocks(Duration wait, Duration firstPause, Duration longestPause) {
        Objects.requireNonNull(wait, "wait");
        if (wait.isNegative() || firstPause.isNegative() || firstPause.isZero() || longestPause.compareTo(firstPause) < 0) {
            throw new IllegalArgumentException("lock wait " + wait + " with pauses from " + firstPause + " to " + longestPause);
        }
        this.wait = wait;
        this.firstPauseNanos = firstPause.toNanos();
        this.longestPauseNanos = longestPause.toNanos();
    }

    /** How long a writer waits for a directory's lock in all. */
    public Duration waitBound() {
        return wait;
    }

    /**
     * Runs {@code action} holding the lock of the directory named {@code key} in this JVM and {@code lock} across
     * processes. {@code lock} is closed before this JVM's lock is released: POSIX drops all of a process's locks on
     * a file when any of its descriptors of that file closes, so a later closing would release the next holder's.
     *
     * @throws dev.laststate.store.StoreUnavailableException as {@link CrossProcessLock#timedOut} when the wait is over
     */
    public void whileHolding(String key, CrossProcessLock lock, LockedAction action) throws IOException {
        long deadline = System.nanoTime() + wait.toNanos();
        try (Closeable inJvm = inThisJvm(key, lock); lock; Closeable held = acrossProcesses(lock, deadline)) {
            action.run();
        }
    }

    /** Takes this JVM's lock of {@code key}; closing the answer releases it. */
    private Closeable inThisJvm(String key, CrossProcessLock lock) throws IOException {
        ReentrantLock inJvm = local.computeIfAbsent(key, k -> new ReentrantLock());
        try {
            if (!inJvm.tryLock(wait.toNanos(), TimeUnit.NANOSECONDS)) {
                throw lock.timedOut("another thread of this process");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw lock.interrupted(e);
        }
        return inJvm::unlock;
    }

    private Closeable acrossProcesses(CrossProcessLock lock, long deadline) throws IOException {
        long pause = firstPauseNanos;
        while (true) {
            Optional<Closeable> held = lock.tryLock();
            if (held.isPresent()) {
                return held.get();
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw lock.timedOut(lock.holder());
            }
            try {
                TimeUnit.NANOSECONDS.sleep(Math.min(pause, left));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw lock.interrupted(e);
            }
            pause = Math.min(pause * 2, longestPauseNanos);
        }
    }
}
