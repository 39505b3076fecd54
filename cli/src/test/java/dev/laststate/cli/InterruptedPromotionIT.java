package dev.laststate.cli;

import static dev.laststate.cli.LocalFiles.fingerprint;
import static dev.laststate.tck.CheckpointTree.JOB;
import static org.assertj.core.api.Assertions.assertThat;

import dev.laststate.flink.FlinkLayout;
import dev.laststate.tck.CheckpointTree;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded jar stopped with Ctrl-C (SIGINT) and SIGTERM in the middle of a copy: exit 130 and 143, one line on
 * stderr, and the target holds nothing of the run (no copies, no pending record) and still serves what it served.
 * The copy is made long by many small files copied one at a time (the local store syncs each).
 */
@ExtendWith(JarProcess.Built.class)
class InterruptedPromotionIT {

    private static final int STATE_FILES = 5000;
    private static final int ROUNDS = 4;

    @TempDir
    Path dir;

    @Test
    void aSignalMidCopyExitsWithItsCodeAndLeavesTheTargetAsItWas() throws Exception {
        Path target = dir.resolve(FlinkLayout.DEFAULT_TARGET);
        checkpoint(1, 3);
        Run first = promote();
        assertThat(first.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(first.process.exitValue()).as(first.toString()).isZero();
        Map<String, String> served = fingerprint(target);
        checkpoint(2, STATE_FILES);

        for (int round = 0; round < ROUNDS; round++) {
            String signal = round % 2 == 0 ? "INT" : "TERM";
            Run run = promote();
            InterruptedPromotionTest.awaitCopies(target, 50 + 100 * round);
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(run.process.pid())).inheritIO().start();
            assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();

            assertThat(run.process.waitFor(30, TimeUnit.SECONDS)).as("round %d: stopped within the hook's wait", round).isTrue();
            assertThat(run.process.exitValue()).as("round %d, SIG%s: %s", round, signal, run)
                    .isEqualTo(signal.equals("INT") ? 130 : 143);
            assertThat(run.err()).as("round %d", round).containsExactly("laststate: interrupted; nothing was committed");
            assertThat(run.out()).as("round %d", round).isEmpty();
            assertThat(fingerprint(target)).as("round %d: nothing of the run, what it served", round).isEqualTo(served);
        }

        Run last = promote();
        assertThat(last.process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(last.process.exitValue()).as(last.toString()).isZero();
        assertThat(last.out()).singleElement().asString().startsWith("PROMOTED checkpoint 2 of job " + JOB);
    }

    private record Run(Process process, Path outFile, Path errFile) {
        List<String> out() throws IOException {
            return Files.readAllLines(outFile);
        }

        List<String> err() throws IOException {
            return Files.readAllLines(errFile);
        }

        @Override
        public String toString() {
            try {
                return "stdout " + out() + ", stderr " + err();
            } catch (IOException e) {
                return e.toString();
            }
        }
    }

    private Run promote() throws IOException {
        Path out = Files.createTempFile("run", ".out");
        Path err = Files.createTempFile("run", ".err");
        ProcessBuilder builder = new ProcessBuilder(System.getProperty("java.home") + "/bin/java", "-jar", JarProcess.JAR.toString(),
                "promote", "--store", dir.toString(), "--copy-concurrency", "1", "--quiet")
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("LASTSTATE_"));
        return new Run(builder.start(), out, err);
    }

    /** A complete {@code chk-<id>}: its state files first, {@code _metadata} (Flink's header) last. */
    private void checkpoint(long id, int stateFiles) throws IOException {
        Path chk = Files.createDirectories(dir.resolve(JOB).resolve("chk-" + id));
        byte[] state = new byte[4096];
        Map<String, Long> files = new LinkedHashMap<>();
        for (int i = 0; i < stateFiles; i++) {
            ByteBuffer.wrap(state).putLong(id).putInt(i);
            String name = String.format("state-%d-%05d", id, i);
            Files.write(chk.resolve(name), state);
            files.put(name, (long) state.length);
        }
        Path temp = chk.resolve("._metadata.inprogress");
        Files.write(temp, CheckpointTree.metadata(JOB, id, files)); // Flink's format, referencing every state file
        Files.move(temp, chk.resolve(FlinkLayout.METADATA), StandardCopyOption.ATOMIC_MOVE);
    }
}
