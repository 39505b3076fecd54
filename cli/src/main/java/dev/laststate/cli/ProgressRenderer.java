package dev.laststate.cli;

import dev.laststate.flink.PromotionProgress;
import dev.laststate.flink.Snapshot;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Shows a promotion's copies on stderr: on a terminal one live line, redrawn with {@code \r}; elsewhere (a log)
 * one line every interval. Nothing while a copy is younger than the interval, so short promotions stay silent.
 *
 * <pre>laststate: copying checkpoint 12: 120 of 400 files, 1.2 GiB of 3.4 GiB, 85.3 MiB/s, 27 s left</pre>
 */
final class ProgressRenderer implements PromotionProgress, AutoCloseable {

    /** How often a terminal's line is redrawn. */
    static final Duration TERMINAL_INTERVAL = Duration.ofMillis(500);

    private final PrintWriter err;
    private final boolean terminal;
    private final long intervalNanos;
    private final LongSupplier nanoTime;
    private final AtomicLong filesDone = new AtomicLong();
    private final AtomicLong bytesDone = new AtomicLong();
    private ScheduledExecutorService ticker;
    // Guarded by this.
    private String what = "";
    private long files;
    private long bytes;
    private long started;
    private long lastShown;
    private boolean active;
    private int drawn; // the width of the live line on the terminal, 0 when none is shown

    /**
     * @param interval between two lines in a log (a terminal's line is redrawn every {@link #TERMINAL_INTERVAL})
     * @param nanoTime the clock, {@link System#nanoTime} but in tests
     */
    ProgressRenderer(PrintWriter err, boolean terminal, Duration interval, LongSupplier nanoTime) {
        this.err = err;
        this.terminal = terminal;
        this.intervalNanos = (terminal ? TERMINAL_INTERVAL : interval).toNanos();
        this.nanoTime = nanoTime;
    }

    /** A renderer on the system clock, redrawn by a daemon thread even while one large object is copied. */
    static ProgressRenderer start(PrintWriter err, boolean terminal, Duration interval) {
        ProgressRenderer renderer = new ProgressRenderer(err, terminal, interval, System::nanoTime);
        long period = Math.max(10, Math.min(renderer.intervalNanos / 1_000_000 / 2, 1000));
        renderer.ticker = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "laststate-progress");
            thread.setDaemon(true);
            return thread;
        });
        renderer.ticker.scheduleAtFixedRate(renderer::tick, period, period, TimeUnit.MILLISECONDS);
        return renderer;
    }

    /** A renderer that never shows anything ({@code --quiet}). */
    static ProgressRenderer silent(PrintWriter err) {
        // No interval is ever over: no line is shown, and no thread is started.
        return new ProgressRenderer(err, false, Duration.ofNanos(Long.MAX_VALUE), System::nanoTime);
    }

    @Override
    public synchronized void copying(Snapshot snapshot, long files, long bytes) {
        String id = snapshot.checkpointId().isPresent() ? " " + snapshot.checkpointId().getAsLong() : "";
        this.what = snapshot.kind().name().toLowerCase(Locale.ROOT) + id;
        this.files = files;
        this.bytes = bytes;
        filesDone.set(0);
        bytesDone.set(0);
        started = nanoTime.getAsLong();
        lastShown = started;
        active = true;
    }

    @Override
    public void copied(long size) {
        filesDone.incrementAndGet();
        bytesDone.addAndGet(size);
        tick();
    }

    @Override
    public synchronized void committing(Snapshot snapshot) {
        active = false;
        clear();
    }

    /** Shows the line when an interval has passed since the last one (or since the copy began). */
    synchronized void tick() {
        if (!active) {
            return;
        }
        long now = nanoTime.getAsLong();
        if (now - lastShown < intervalNanos) {
            return;
        }
        lastShown = now;
        String line = line(now);
        if (terminal) {
            // Padded over what the previous line left on the screen.
            err.print("\r" + line + " ".repeat(Math.max(0, drawn - line.length())));
            drawn = Math.max(drawn, line.length());
        } else {
            err.println(line);
        }
        err.flush();
    }

    /** The line at {@code now}. */
    synchronized String line(long now) {
        long doneFiles = filesDone.get();
        long doneBytes = bytesDone.get();
        double seconds = Math.max(1e-9, (now - started) / 1e9);
        double rate = doneBytes / seconds;
        String left = doneBytes == 0 || rate <= 0 ? "time left unknown"
                : duration((long) Math.ceil((bytes - doneBytes) / rate)) + " left";
        return "laststate: copying " + what + ": " + doneFiles + " of " + files + " files, " + size(doneBytes) + " of "
                + size(bytes) + ", " + size((long) rate) + "/s, " + left;
    }

    @Override
    public synchronized void close() {
        active = false;
        if (ticker != null) {
            ticker.shutdownNow();
        }
        clear();
    }

    /** Removes the live line, so that what follows starts on a clean line. */
    private void clear() {
        if (drawn > 0) {
            err.print("\r" + " ".repeat(drawn) + "\r");
            err.flush();
            drawn = 0;
        }
    }

    /** {@code 512 B}, {@code 1.5 KiB}, {@code 3.4 GiB}. */
    static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }

    /** {@code 27 s}, {@code 3 min 5 s}, {@code 2 h 4 min}. */
    static String duration(long seconds) {
        if (seconds < 60) {
            return seconds + " s";
        }
        if (seconds < 3600) {
            return seconds / 60 + " min " + seconds % 60 + " s";
        }
        return seconds / 3600 + " h " + seconds % 3600 / 60 + " min";
    }
}
