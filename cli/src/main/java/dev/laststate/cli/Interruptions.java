package dev.laststate.cli;

import dev.laststate.flink.PromotionProgress;
import dev.laststate.flink.Snapshot;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C (SIGINT) and SIGTERM. The JVM runs its shutdown hooks on either, then exits 128 + the signal's number
 * (130, 143); the hook installed here first stops a running promotion: before its commit, by interrupting the
 * promoting thread, which abandons the promotion and removes what it copied; after it, by letting it finish
 * its pointer record. It waits a bounded time for either, then prints one line on stderr.
 *
 * <p>The promoter reports the commit through {@link PromotionProgress#committing}; the interrupt and that report
 * take one lock, so an interrupt either lands before the commit or not at all.
 */
final class Interruptions {

    /** The exit code of a run stopped by Ctrl-C (SIGINT, 128 + 2); the JVM exits 143 on SIGTERM (128 + 15). */
    static final int EXIT_CODE = 130;

    /** How long the hook waits for a promotion to stop before its commit (or to finish after it). */
    static final Duration STOP_WAIT = Duration.ofSeconds(5);

    private final Duration wait;
    private final PrintWriter fallbackErr;
    private final Object lock = new Object();
    // Guarded by lock.
    private Promotion running;
    private boolean finished;

    Interruptions(Duration wait, PrintWriter err) {
        this.wait = wait;
        this.fallbackErr = err;
    }

    /** For a run in-process: nothing is installed; a test calls {@link #onSignal} itself. */
    static Interruptions none(PrintWriter err) {
        return new Interruptions(STOP_WAIT, err);
    }

    /** Installs the JVM shutdown hook for this process's run. */
    static Interruptions install(PrintWriter err) {
        Interruptions interruptions = new Interruptions(STOP_WAIT, err);
        Runtime.getRuntime().addShutdownHook(new Thread(interruptions::onSignal, "laststate-interrupt"));
        return interruptions;
    }

    /** The command returned: the hook that also runs on {@code System.exit} must do nothing. */
    void finished() {
        synchronized (lock) {
            finished = true;
        }
    }

    /** A promotion on the calling thread, until it is closed; {@code err} gets the hook's line. */
    Promotion promotion(PrintWriter err) {
        synchronized (lock) {
            running = new Promotion(Thread.currentThread(), err);
            return running;
        }
    }

    /** What the shutdown hook does: stop the promotion, if one runs, and say how it ended. */
    void onSignal() {
        Promotion promotion;
        boolean afterCommit;
        synchronized (lock) {
            if (finished) {
                return;
            }
            promotion = running;
            if (promotion == null) {
                fallbackErr.println("laststate: interrupted");
                fallbackErr.flush();
                return;
            }
            promotion.interrupted = true;
            afterCommit = promotion.committing;
            if (!afterCommit) {
                promotion.thread.interrupt();
            }
        }
        boolean stopped;
        try {
            stopped = promotion.done.await(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopped = false;
        }
        String line;
        if (!stopped) {
            line = afterCommit
                    // The commit began but did not end in time: it may still be waiting for the target (a lock, a
                    // slow store), so whether it took effect is unknown here; a commit is whole or absent either way.
                    ? "interrupted during the commit, which did not finish within " + wait.toSeconds() + " s: the target"
                            + " serves either what it served or the new snapshot, whole (the next run completes the promotion)"
                    : "interrupted; the promotion did not stop within " + wait.toSeconds() + " s: nothing was committed,"
                            + " and what it copied is named by its pending record for a later run to remove";
        } else if (promotion.promoted) {
            line = "interrupted after the commit; the promotion was completed";
        } else {
            line = "interrupted; nothing was committed";
        }
        promotion.err.println("laststate: " + line);
        promotion.err.flush();
    }

    /** One promotion that a signal may stop. */
    final class Promotion implements AutoCloseable {
        private final Thread thread;
        private final PrintWriter err;
        private final CountDownLatch done = new CountDownLatch(1);
        // Guarded by lock.
        private boolean committing;
        private boolean interrupted;
        private boolean promoted;

        private Promotion(Thread thread, PrintWriter err) {
            this.thread = thread;
            this.err = err;
        }

        /** {@code progress}, telling this promotion when the commit begins: from then on no signal interrupts it. */
        PromotionProgress guard(PromotionProgress progress) {
            return new PromotionProgress() {
                @Override
                public void copying(Snapshot snapshot, long files, long bytes) {
                    progress.copying(snapshot, files, bytes);
                }

                @Override
                public void copied(long bytes) {
                    progress.copied(bytes);
                }

                @Override
                public void committing(Snapshot snapshot) {
                    progress.committing(snapshot);
                    synchronized (lock) {
                        committing = true;
                    }
                }
            };
        }

        /** Whether a signal arrived during this promotion; its outcome is then the hook's one line to report. */
        boolean interrupted() {
            synchronized (lock) {
                return interrupted;
            }
        }

        /** The promotion committed (and printed its result). */
        void promoted() {
            synchronized (lock) {
                promoted = true;
            }
        }

        @Override
        public void close() {
            synchronized (lock) {
                if (running == this) {
                    running = null;
                }
            }
            done.countDown();
        }
    }
}
