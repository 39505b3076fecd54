package dev.laststate.cli;

import static dev.laststate.tck.CheckpointTree.JOB;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.laststate.flink.FlinkLayout;
import dev.laststate.flink.PointerRecord;
import dev.laststate.flink.RelocatedNames;
import dev.laststate.tck.CheckpointTree;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded jar killed with SIGKILL at moments spread over a whole promotion (JVM start, copies, commit,
 * record, clean-up), while "Flink" completes a checkpoint before each run and subsumes the old ones. After
 * every kill the target serves one whole generation, never an older one than before; the next run
 * completes; and once the killed runs' pending records are past the grace period, nothing they wrote is
 * left.
 */
@ExtendWith(JarProcess.Built.class)
class KilledPromotionIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int KILLS = 24;
    private static final int STATE_FILES = 150;

    @TempDir
    Path dir;

    @Test
    void everyKillLeavesOneWholeGenerationAndTheNextRunsFinishItsWork() throws Exception {
        Path target = dir.resolve(FlinkLayout.DEFAULT_TARGET);
        checkpoint(1);
        assertThat(promote().waitFor(60, TimeUnit.SECONDS)).isTrue();
        // One run's length, to spread the kills over it.
        checkpoint(2);
        long started = System.nanoTime();
        Process timed = promote();
        assertThat(timed.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(timed.exitValue()).isZero();
        long runMillis = Duration.ofNanos(System.nanoTime() - started).toMillis();

        Random random = new Random(11);
        long served = 2;
        int killedWhileRunning = 0;
        for (int round = 0; round < KILLS; round++) {
            long id = 3 + round;
            checkpoint(id);
            subsume(id - 2);
            Process victim = promote();
            // Spread over the length of the last whole run, which follows the machine's load as it changes.
            long delay = (long) (runMillis * (0.2 + 0.9 * random.nextDouble()));
            if (!victim.waitFor(delay, TimeUnit.MILLISECONDS)) {
                victim.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                killedWhileRunning++;
            }

            long now = servedId(target);
            assertThat(now).as("round %d: never an older generation", round).isGreaterThanOrEqualTo(served);
            assertThat(now).as("round %d: one of the two newest", round).isIn(id - 1, id);
            served = now;

            long nextStarted = System.nanoTime();
            Process next = promote();
            assertThat(next.waitFor(60, TimeUnit.SECONDS)).isTrue();
            runMillis = Duration.ofNanos(System.nanoTime() - nextStarted).toMillis();
            assertThat(next.exitValue()).as("round %d: the run after a kill", round).isZero();
            JsonNode record = JSON.readTree(target.resolve(FlinkLayout.POINTER_RECORD).toFile());
            assertThat(record.get("checkpointId").asLong()).as("round %d", round).isEqualTo(id);
            assertThat(record.get("metadataVersion")).as("round %d: a record describing what is served", round).isNotNull();
            for (String name : keptFiles(target)) {
                assertThat(target.resolve(name)).as("round %d: %s", round, name).isRegularFile();
            }
            served = id;
        }
        assertThat(killedWhileRunning).as("kills that hit a running promotion").isGreaterThanOrEqualTo(KILLS / 2);
        System.out.printf("MEASURED %d of %d runs killed while running (the last run: %d ms; each kill at 0.2-1.1 of the"
                + " run before it)%n", killedWhileRunning, KILLS, runMillis);

        // Later: the killed runs' pending records and the store's temporary files are past their grace periods.
        FileTime old = FileTime.from(Instant.now().minus(Duration.ofHours(2)));
        try (Stream<Path> files = Files.walk(target)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Files.setLastModifiedTime(file, old);
            }
        }
        checkpoint(3 + KILLS);
        Process last = promote();
        assertThat(last.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(last.exitValue()).isZero();

        Set<String> expected = keptFiles(target);
        expected.add(FlinkLayout.POINTER_RECORD);
        List<String> left = new ArrayList<>();
        try (Stream<Path> files = Files.walk(target)) {
            // The local store's lock file stays by design: a lock is only ever held by a live process.
            files.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().equals(".laststate-lock"))
                    .forEach(f -> left.add(target.relativize(f).toString()));
        }
        assertThat(left).as("nothing the killed runs wrote is left").containsExactlyInAnyOrderElementsOf(expected);
    }

    private Process promote() throws IOException {
        Path log = Files.createTempFile(dir, "run", ".txt");
        ProcessBuilder builder = new ProcessBuilder(System.getProperty("java.home") + "/bin/java", "-jar", JarProcess.JAR.toString(),
                "promote", "--store", dir.toString())
                .redirectOutput(log.toFile()).redirectErrorStream(true);
        builder.environment().keySet().removeIf(k -> k.startsWith("LASTSTATE_"));
        return builder.start();
    }

    /** A complete {@code chk-<id>}: its state files first, {@code _metadata} (Flink's header) last. */
    private void checkpoint(long id) throws IOException {
        Path chk = Files.createDirectories(dir.resolve(JOB).resolve("chk-" + id));
        byte[] state = new byte[4096];
        Map<String, Long> files = new LinkedHashMap<>();
        for (int i = 0; i < STATE_FILES; i++) {
            ByteBuffer.wrap(state).putLong(id).putInt(i);
            String name = String.format("state-%d-%03d", id, i);
            Files.write(chk.resolve(name), state);
            files.put(name, (long) state.length);
        }
        Path temp = chk.resolve("._metadata.inprogress");
        Files.write(temp, CheckpointTree.metadata(JOB, id, files)); // Flink's format, referencing every state file
        Files.move(temp, chk.resolve(FlinkLayout.METADATA), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** A checkpoint subsumed in the order hardest on a promoter: state files first, {@code _metadata} last (Flink reverses it). */
    private void subsume(long id) throws IOException {
        Path chk = dir.resolve(JOB).resolve("chk-" + id);
        if (!Files.isDirectory(chk)) {
            return;
        }
        try (Stream<Path> files = Files.list(chk)) {
            for (Path file : files.filter(f -> !f.getFileName().toString().equals(FlinkLayout.METADATA)).toList()) {
                Files.delete(file);
            }
        }
        Files.delete(chk.resolve(FlinkLayout.METADATA));
        Files.delete(chk);
    }

    /** The files of the two generations the pointer record keeps, as laststate reads the record. */
    private static Set<String> keptFiles(Path target) throws Exception {
        Path file = target.resolve(FlinkLayout.POINTER_RECORD);
        PointerRecord record = PointerRecord.parse(LocalFiles.location(file), Files.readAllBytes(file));
        Set<String> kept = new HashSet<>(record.current().files());
        record.previous().ifPresent(p -> kept.addAll(p.files()));
        assertThat(kept).as("a relocated generation's state files").anyMatch(n -> n.startsWith(RelocatedNames.STATE_DIRECTORY + "/"));
        return kept;
    }

    /** The checkpoint id in the header of the served {@code _metadata}: a whole write of one generation. */
    private static long servedId(Path target) throws IOException {
        byte[] metadata = Files.readAllBytes(target.resolve(FlinkLayout.METADATA));
        return FlinkLayout.metadataCheckpointId(metadata).orElseThrow();
    }
}
