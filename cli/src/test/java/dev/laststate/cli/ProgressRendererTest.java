package dev.laststate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.laststate.flink.Snapshot;
import dev.laststate.flink.SnapshotKind;
import dev.laststate.store.ObjectInfo;
import dev.laststate.store.StoreUri;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressRendererTest {

    private static final long SECOND = 1_000_000_000L;
    private static final long MIB = 1024 * 1024;

    private final StringWriter err = new StringWriter();
    private final AtomicLong clock = new AtomicLong(1_000 * SECOND);

    @Test
    void aLineSaysFilesAndBytesDoneOfTheTotalTheRateAndTheTimeLeft() {
        ProgressRenderer renderer = renderer(false);
        renderer.copying(snapshot(12), 400, 400 * MIB);
        for (int i = 0; i < 100; i++) {
            renderer.copied(MIB);
        }
        clock.addAndGet(10 * SECOND);

        assertThat(renderer.line(clock.get()))
                .isEqualTo("laststate: copying checkpoint 12: 100 of 400 files, 100.0 MiB of 400.0 MiB, 10.0 MiB/s, 30 s left");
    }

    @Test
    void beforeTheFirstByteTheTimeLeftIsUnknown() {
        ProgressRenderer renderer = renderer(false);
        renderer.copying(snapshot(7), 3, 1536);
        clock.addAndGet(2 * SECOND);

        assertThat(renderer.line(clock.get()))
                .isEqualTo("laststate: copying checkpoint 7: 0 of 3 files, 0 B of 1.5 KiB, 0 B/s, time left unknown");
    }

    @Test
    void inALogOneLineEachIntervalAndNoneForACopyShorterThanIt() {
        ProgressRenderer renderer = renderer(false);
        renderer.copying(snapshot(12), 10, 10 * MIB);
        clock.addAndGet(4 * SECOND);
        renderer.copied(MIB);
        renderer.tick();
        assertThat(err.toString()).as("younger than the interval").isEmpty();

        clock.addAndGet(SECOND);
        renderer.copied(MIB);
        renderer.copied(MIB); // within the same interval: no second line
        clock.addAndGet(4 * SECOND);
        renderer.tick();
        clock.addAndGet(SECOND);
        renderer.tick();

        assertThat(err.toString().lines()).containsExactly(
                "laststate: copying checkpoint 12: 2 of 10 files, 2.0 MiB of 10.0 MiB, 409.6 KiB/s, 20 s left",
                "laststate: copying checkpoint 12: 3 of 10 files, 3.0 MiB of 10.0 MiB, 307.2 KiB/s, 24 s left");
    }

    @Test
    void onATerminalOneLiveLineRedrawnInPlaceAndClearedBeforeTheCommit() {
        ProgressRenderer renderer = renderer(true);
        renderer.copying(snapshot(12), 2, 2 * MIB);
        clock.addAndGet(ProgressRenderer.TERMINAL_INTERVAL.toNanos());
        renderer.tick();
        String first = "laststate: copying checkpoint 12: 0 of 2 files, 0 B of 2.0 MiB, 0 B/s, time left unknown";
        assertThat(err.toString()).isEqualTo("\r" + first);

        clock.addAndGet(ProgressRenderer.TERMINAL_INTERVAL.toNanos());
        renderer.copied(MIB);
        String second = "laststate: copying checkpoint 12: 1 of 2 files, 1.0 MiB of 2.0 MiB, 1.0 MiB/s, 1 s left";
        renderer.committing(snapshot(12));

        int width = Math.max(first.length(), second.length());
        assertThat(err.toString()).doesNotContain("\n").isEqualTo("\r" + first + "\r" + second
                + " ".repeat(Math.max(0, first.length() - second.length())) + "\r" + " ".repeat(width) + "\r");
    }

    @Test
    void quietShowsNothing() {
        ProgressRenderer renderer = ProgressRenderer.silent(new PrintWriter(err));
        renderer.copying(snapshot(12), 2, 2);
        renderer.copied(1);
        renderer.tick();
        renderer.close();

        assertThat(err.toString()).isEmpty();
    }

    @Test
    void sizesAndDurationsReadAsAPersonWritesThem() {
        assertThat(ProgressRenderer.size(1023)).isEqualTo("1023 B");
        assertThat(ProgressRenderer.size(3L * 1024 * 1024 * 1024 + 400 * MIB)).isEqualTo("3.4 GiB");
        assertThat(ProgressRenderer.duration(59)).isEqualTo("59 s");
        assertThat(ProgressRenderer.duration(185)).isEqualTo("3 min 5 s");
        assertThat(ProgressRenderer.duration(7440)).isEqualTo("2 h 4 min");
    }

    private ProgressRenderer renderer(boolean terminal) {
        return new ProgressRenderer(new PrintWriter(err), terminal, Duration.ofSeconds(5), clock::get);
    }

    private static Snapshot snapshot(long id) {
        StoreUri dir = StoreUri.parse("memory://bucket/checkpoints/job/chk-" + id);
        return new Snapshot("job", SnapshotKind.CHECKPOINT, dir, OptionalLong.of(id),
                new ObjectInfo(dir.resolve("_metadata"), 64, Instant.EPOCH, "1"));
    }
}
