package dev.laststate.store.atomic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.laststate.store.ReservedNames;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class StaleTemporarySweepTest {

    private static final Instant NOW = Instant.parse("2024-05-01T12:00:00Z");
    private static final Duration AGE = ReservedNames.ABANDONED_TEMP_AGE;

    private final FakeFileSystem fs = new FakeFileSystem();
    private final StaleTemporarySweep sweep = new StaleTemporarySweep(Clock.fixed(NOW, ZoneOffset.UTC));

    private String temporary(Instant modified) {
        String path = "d/" + ReservedNames.newTemporaryName();
        fs.put(path, "v", modified);
        return path;
    }

    @Test
    void aTemporaryFileIsRemovedOnlyOnceItIsOlderThanTheGrace() {
        String abandoned = temporary(NOW.minus(AGE).minusMillis(1));
        String exactlyAtTheGrace = temporary(NOW.minus(AGE));
        String recent = temporary(NOW.minusSeconds(1));

        sweep.sweepOnce(fs, "d");

        assertThat(fs.files).doesNotContainKey(abandoned).containsKeys(exactlyAtTheGrace, recent);
    }

    @Test
    void reservedNamesThatAreNotTemporaryNamesAndNonFilesAreNeverRemoved() {
        Instant old = NOW.minus(AGE.multipliedBy(10));
        fs.put("d/" + ReservedNames.PREFIX + "tmp-not-a-uuid", "v", old);
        fs.put("d/" + ReservedNames.LOCK_FILE, "v", old);
        fs.put("d/_metadata", "v", old);
        String directory = "d/" + ReservedNames.newTemporaryName();
        fs.files.put(directory, new FakeFileSystem.File("v", old, false));

        sweep.sweepOnce(fs, "d");

        assertThat(fs.files).hasSize(4);
        assertThat(fs.calls).noneMatch(call -> call.startsWith("delete"));
    }

    @Test
    void eachDirectoryIsSweptOncePerInstance() {
        sweep.sweepOnce(fs, "d");
        String abandonedLater = temporary(NOW.minus(AGE.multipliedBy(2)));
        sweep.sweepOnce(fs, "d");
        sweep.sweepOnce(fs, "e");

        assertThat(fs.calls).containsExactly("temporaries d", "temporaries e");
        assertThat(fs.files).containsKey(abandonedLater);
        new StaleTemporarySweep(Clock.fixed(NOW, ZoneOffset.UTC)).sweepOnce(fs, "d");
        assertThat(fs.files).doesNotContainKey(abandonedLater);
    }
}
