package dev.laststate.cli;

import static dev.laststate.cli.LocalFiles.location;
import static dev.laststate.cli.LocalFiles.uriOf;
import static dev.laststate.tck.CheckpointTree.JOB;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.laststate.flink.FlinkLayout;
import dev.laststate.tck.CheckpointTree;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the shaded jar (built by {@code package}) and the bin/laststate launcher as separate processes: checks
 * that the jar has its main class, the file store's service entry and its version, and that exit codes and
 * streams survive the process boundary.
 */
@ExtendWith(JarProcess.Built.class)
class LastStateJarIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Failsafe runs in the module directory. */
    private static final Path LAUNCHER = Path.of("..", "bin", "laststate").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    @Test
    void promotesResolvesAndReportsStatus() throws Exception {
        CheckpointTree tree = CheckpointTree.inDirectory(dir).standard();

        JarProcess promote = java("promote", "--store", dir.toString(), "--output", "json");

        assertThat(promote.exitCode()).as(promote.toString()).isZero();
        assertThat(promote.err()).isEmpty();
        JsonNode result = JSON.readTree(promote.out());
        assertThat(result.get("status").asText()).isEqualTo("PROMOTED");
        assertThat(result.get("jobId").asText()).isEqualTo(JOB);
        assertThat(result.get("checkpointId").asLong()).isEqualTo(12);
        assertThat(result.get("filesCopied").asLong()).isEqualTo(3);
        assertThat(LocalFiles.relocated(tree.lastState().toLocalPath(),
                tree.jobDir(JOB).toLocalPath().resolve("chk-12").resolve(CheckpointTree.fileNames(JOB, 12, 2).get(1)))).isRegularFile();

        JarProcess resolve = java("resolve", "--store", dir.toString());
        assertThat(resolve.exitCode()).as(resolve.toString()).isZero();
        assertThat(resolve.out()).isEqualTo(uriOf(tree.lastState().toLocalPath()) + System.lineSeparator());

        JarProcess again = java("promote", "--store", dir.toString());
        assertThat(again.exitCode()).as(again.toString()).isZero();
        assertThat(again.out()).startsWith("UNCHANGED checkpoint 12");
    }

    @Test
    void failuresAreOneLineWithTheirExitCode() throws Exception {
        JarProcess noStore = java("promote");
        assertThat(noStore.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(noStore.out()).isEmpty();
        assertThat(noStore.err().lines()).singleElement().asString().startsWith("laststate: Missing required option");

        JarProcess nothing = java("status", "--store", dir.toString());
        assertThat(nothing.exitCode()).isEqualTo(ExitCodes.UNKNOWN_TARGET);
        assertThat(nothing.err().lines()).singleElement().asString().doesNotContain("at dev.");
    }

    @Test
    void promotesWhatTheJobManagerReportsOverHttp() throws Exception {
        // OkHttp and its Kotlin runtime must survive shading: a real process asks a real HTTP server.
        CheckpointTree tree = CheckpointTree.inDirectory(dir.resolve("checkpoints")).standard();
        try (RecordedJobManager jm = new RecordedJobManager(dir)) {
            jm.answer("GET", "/jobs/overview", jm.body("jobs-overview-one-running.json", Map.of("first", JOB)));
            jm.answer("GET", "/jobs/" + JOB + "/checkpoints", jm.edit(jm.body("checkpoints-restored.json", Map.of("restored", JOB)),
                    root -> ((com.fasterxml.jackson.databind.node.ObjectNode) root.get("latest")).putObject("completed").put("id", 12)
                            .put("external_path", "file:" + tree.jobDir(JOB).toLocalPath().resolve("chk-12"))));

            JarProcess run = java("promote", "--store", dir.resolve("checkpoints").toString(), "--jobmanager", jm.url());

            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.out()).startsWith("PROMOTED checkpoint 12 of job " + JOB);
        }
    }

    @Test
    void versionComesFromTheJar() throws Exception {
        JarProcess version = java("--version");

        assertThat(version.exitCode()).isZero();
        assertThat(version.out().strip()).matches("laststate \\d+\\.\\d+\\.\\d+.*");
    }

    @Test
    void promoteVerifyOnTheExampleTreeKeepsStderrClean() throws Exception {
        // examples/ was written by a real Flink job; verify loads Flink's classes, which log through SLF4J.
        Path examples = Path.of("..", "examples", "checkpoints").toAbsolutePath().normalize();
        Path store = dir.resolve("checkpoints");
        try (var paths = Files.walk(examples)) {
            for (Path p : paths.toList()) {
                Path target = store.resolve(examples.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }

        JarProcess promote = java("promote", "--store", store.toString(), "--verify");

        assertThat(promote.exitCode()).as(promote.toString()).isZero();
        assertThat(promote.err()).isEmpty();
        assertThat(promote.out().lines().toList()).hasSize(2).last().asString().startsWith("RESTORABLE checkpoint ");
    }

    @Test
    void theLauncherRunsTheJar() throws Exception {
        CheckpointTree.inDirectory(dir).standard();
        Map<String, String> env = Map.of("LASTSTATE_STORE", dir.toString(), "LASTSTATE_JAVA_OPTS", "-Xmx128m -Xss1m");

        JarProcess run = run(env, List.of("sh", LAUNCHER.toString(), "list"));

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).startsWith("* " + JOB);
    }

    @Test
    void theLauncherReportsJavaOptionsTheJvmRejectsInOneLine() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();

        JarProcess run = run(Map.of("LASTSTATE_JAVA_OPTS", "-Xmx128m -Xfoo"), List.of("sh", LAUNCHER.toString(), "--version"));

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.out()).isEmpty();
        assertThat(run.err().lines()).singleElement().asString()
                .isEqualTo("laststate: LASTSTATE_JAVA_OPTS is not accepted by " + java + ": Unrecognized option: -Xfoo");
    }

    @Test
    void theLauncherSaysHowToBuildAMissingJar() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("repo").resolve("bin"));
        Path launcher = Files.copy(LAUNCHER, bin.resolve("laststate"));

        JarProcess run = run(Map.of(), List.of("sh", launcher.toString(), "--version"));

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err().lines()).singleElement().asString().contains("mvn -q -DskipTests package");
    }

    @Test
    void racingProcessesEndOnTheNewestSnapshot() throws Exception {
        // Separate JVMs, as cron jobs or sidecars of several replicas would be: only the store's own
        // atomic operations (hard links, renames, the lock file) keep them apart.
        for (int round = 0; round < 3; round++) {
            Path store = dir.resolve("round-" + round);
            CheckpointTree tree = CheckpointTree.inDirectory(store).standard(); // newest checkpoint: 12
            List<List<String>> commands = new ArrayList<>();
            commands.add(JarProcess.javaJar("promote", "--store", store.toString()));
            for (int p = 1; p <= 3; p++) {
                Path savepoints = store.resolve("savepoints-" + p);
                tree.savepoint(location(savepoints), JOB, 12 + p, 2, CheckpointTree.BASE.plusSeconds(3600L * p));
                commands.add(JarProcess.javaJar("promote", "--store", store.toString(), "--savepoints", savepoints.toString()));
            }
            List<Process> running = new ArrayList<>();
            for (List<String> command : commands) {
                running.add(new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
            }
            for (Process process : running) {
                assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
                assertThat(process.exitValue()).as("round " + round).isIn(ExitCodes.OK, ExitCodes.REFUSED);
            }

            JsonNode record = JSON.readTree(tree.lastState().toLocalPath().resolve(FlinkLayout.POINTER_RECORD).toFile());
            assertThat(record.get("checkpointId").asLong()).as("round " + round).isEqualTo(15);
            byte[] metadata = Files.readAllBytes(tree.lastState().toLocalPath().resolve(FlinkLayout.METADATA));
            assertThat(FlinkLayout.metadataCheckpointId(metadata)).as("round " + round).hasValue(15);
            JarProcess status = java("status", "--store", store.toString(), "--output", "json");
            assertThat(JSON.readTree(status.out()).get("consistent").asBoolean()).isTrue();
        }
    }

    private JarProcess java(String... args) throws Exception {
        return run(Map.of(), JarProcess.javaJar(args));
    }

    private JarProcess run(Map<String, String> env, List<String> command) throws Exception {
        return JarProcess.run(dir, env, command);
    }
}
