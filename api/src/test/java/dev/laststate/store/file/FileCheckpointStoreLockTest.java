package dev.laststate.store.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.laststate.store.ObjectInfo;
import dev.laststate.store.StoreUnavailableException;
import dev.laststate.store.StoreUri;
import dev.laststate.store.WriteCondition;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The directory lock against a real second process that holds it and never lets go (as a SIGSTOPped promoter). */
@Timeout(value = 120, unit = TimeUnit.SECONDS) // an unbounded wait fails here instead of hanging the build
class FileCheckpointStoreLockTest {

    private static final Duration BOUND = Duration.ofSeconds(1);

    @TempDir
    Path temp;

    /** The second process, killed when closed. */
    private record Holder(Process process) implements AutoCloseable {
        long pid() {
            return process.pid();
        }

        @Override
        public void close() throws Exception {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private Path dir;
    private StoreUri metadata;

    @BeforeEach
    void lastState() throws Exception {
        dir = Files.createDirectories(temp.toRealPath().resolve("last-state"));
        metadata = StoreUri.ofLocalPath(dir.resolve("_metadata").toString());
    }

    /** Writes the {@code _metadata} a conditional replace then expects. */
    private ObjectInfo commit(FileCheckpointStore store) throws Exception {
        return store.write(metadata, new byte[] {1}, WriteCondition.overwrite());
    }

    private static Holder holdLock(Path directory) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process holder = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                LockHolder.class.getName(), directory.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
        String line = CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (java.io.IOException e) {
                return "failed: " + e;
            }
        }).get(60, TimeUnit.SECONDS);
        assertThat(line).as("the holder process reports").isEqualTo("locked");
        return new Holder(holder);
    }

    @Test
    void aConditionalWriteGivesUpWithinTheBoundNamingTheHolder() throws Exception {
        FileCheckpointStore store = new FileCheckpointStore(true, BOUND);
        ObjectInfo committed = commit(store);
        try (Holder holder = holdLock(dir)) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> store.write(metadata, new byte[] {2}, WriteCondition.ifVersionMatches(committed.version())))
                    .isInstanceOf(StoreUnavailableException.class)
                    .hasMessageContaining(dir.resolve(FileCheckpointStore.LOCK_FILE).toString())
                    .hasMessageContaining("held by pid " + holder.pid() + " on host ")
                    .hasMessageContaining("after 1 s")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
            Duration waited = Duration.ofNanos(System.nanoTime() - start);

            assertThat(waited).isGreaterThanOrEqualTo(BOUND).isLessThan(BOUND.plusSeconds(10));
            assertThat(Files.readAllBytes(dir.resolve("_metadata"))).containsExactly(1);
            try (Stream<Path> files = Files.list(dir)) {
                assertThat(files.map(p -> p.getFileName().toString()))
                        .containsExactlyInAnyOrder("_metadata", FileCheckpointStore.LOCK_FILE);
            }
        }
    }

    @Test
    void anIfAbsentWriteWithoutHardLinksGivesUpWithinTheBound() throws Exception {
        StoreUri pointer = StoreUri.ofLocalPath(dir.resolve("_laststate.json").toString());
        FileCheckpointStore store = new FileCheckpointStore(false, BOUND);
        try (Holder holder = holdLock(dir)) {
            assertThatThrownBy(() -> store.write(pointer, new byte[] {1}, WriteCondition.ifAbsent()))
                    .isInstanceOf(StoreUnavailableException.class)
                    .hasMessageContaining("held by pid " + holder.pid());
            assertThat(store.stat(pointer)).isEmpty();
        }
    }

    @Test
    void theLockOfAProcessThatDiedIsFreeAtOnce() throws Exception {
        FileCheckpointStore store = new FileCheckpointStore(true, BOUND);
        ObjectInfo committed = commit(store);
        holdLock(dir).close(); // killed holding it

        ObjectInfo replaced = store.write(metadata, new byte[] {2}, WriteCondition.ifVersionMatches(committed.version()));

        assertThat(replaced.size()).isEqualTo(1);
        assertThat(Files.readAllBytes(dir.resolve("_metadata"))).containsExactly(2);
        assertThat(Files.readAllLines(dir.resolve(FileCheckpointStore.LOCK_FILE)))
                .singleElement().asString().startsWith("pid " + ProcessHandle.current().pid() + " on host ");
    }
}
