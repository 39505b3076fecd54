package dev.laststate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.laststate.tck.CheckpointTree;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.runtime.checkpoint.Checkpoints;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * README's init-container pattern: the two init containers' exact arguments read from README.md and run by a
 * {@code laststate} that runs this build's CLI (as the image's entrypoint runs the jar), then the main container's
 * shell lines through {@code sh -c}. Only the shared volume ({@code /laststate/}) and Flink's entry point
 * ({@code /docker-entrypoint.sh}, here {@code echo}) are replaced. A typo fails the pod; a first deployment after {@code laststate init} starts without a restore
 * path; the next deployment restores from {@code last-state}.
 */
class DeploymentPatternsTest {

    private static final String PROMOTE_ARGS = "args: [\"promote\", \"--verify\", \"--allow-nothing\"]";
    private static final String RESOLVE_ARGS = "args: [\"resolve\", \"--allow-nothing\", \"--output-file\", \"/laststate/restore-path\"]";
    private static final String MAIN_CONTAINER_FIRST_LINE = "p=$(cat /laststate/restore-path)";

    @TempDir
    Path dir;

    private Path volume;
    private Path bin;

    /** What the two containers did: the init container's exit code, and the main container's command line. */
    record Pod(int initExit, String initErr, String started) {}

    @BeforeEach
    void laststateOnThePath() throws IOException {
        volume = Files.createDirectories(dir.resolve("volume"));
        bin = Files.createDirectories(dir.resolve("bin"));
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path script = bin.resolve("laststate");
        Files.writeString(script, "#!/bin/sh\nexec '" + Path.of(System.getProperty("java.home"), "bin", "java")
                + "' -cp '" + classPath + "' " + LastStateCommand.class.getName() + " \"$@\"\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @Test
    void aMistypedStoreFailsThePod() throws Exception {
        Path checkpoints = dir.resolve("checkpoints");
        CheckpointTree.inDirectory(checkpoints).standard();
        Cli.succeeds("init", "--store", checkpoints.toString()); // even a declared job: the typo is elsewhere

        Pod missing = deploy(dir.resolve("chekpoints"));
        Pod wrongDirectory = deploy(dir); // exists, holds no job and no marker: a typo on an object store looks like this

        assertThat(missing.initExit()).as(missing.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(missing.initErr()).contains("does not exist");
        assertThat(wrongDirectory.initExit()).as(wrongDirectory.toString()).isEqualTo(ExitCodes.UNKNOWN_TARGET);
        assertThat(wrongDirectory.initErr()).contains("laststate manages nothing at");
        assertThat(missing.started()).isEmpty();
        assertThat(wrongDirectory.started()).isEmpty();
    }

    @Test
    void aNewJobThatWasNeverInitializedFailsThePod() throws Exception {
        Path checkpoints = Files.createDirectories(dir.resolve("checkpoints"));

        Pod pod = deploy(checkpoints);

        assertThat(pod.initExit()).as(pod.toString()).isEqualTo(ExitCodes.UNKNOWN_TARGET);
        assertThat(pod.initErr()).contains("laststate init");
        assertThat(pod.started()).isEmpty();
    }

    @Test
    void aFirstDeploymentAfterInitStartsWithoutARestorePathAndTheNextOneRestores() throws Exception {
        Path checkpoints = dir.resolve("checkpoints");
        Cli.Run init = Cli.succeeds("init", "--store", checkpoints.toString());
        assertThat(init.out()).startsWith("INITIALIZED ");

        Pod first = deploy(checkpoints);

        assertThat(first.initExit()).as(first.toString()).isZero();
        assertThat(first.started()).isEqualTo("standalone-job --job-classname com.example.MyJob");

        // The job ran and checkpointed; its next deployment restores from what the init container promotes.
        CheckpointTree tree = CheckpointTree.inDirectory(checkpoints);
        LocalFiles.write(tree.jobDir(CheckpointTree.JOB).toLocalPath().resolve("chk-4").resolve("_metadata"), flinkMetadata(4));
        Pod second = deploy(checkpoints);

        assertThat(second.initExit()).as(second.toString()).isZero();
        assertThat(second.started()).isEqualTo("standalone-job -Dexecution.state-recovery.path="
                + LocalFiles.uriOf(tree.lastState().toLocalPath()) + " --job-classname com.example.MyJob");
        assertThat(Cli.succeeds("resolve", "--store", checkpoints.toString()).outLines())
                .containsExactly(LocalFiles.uriOf(tree.lastState().toLocalPath()));

        // And one more with nothing newer in storage: still from last-state.
        Pod third = deploy(checkpoints);
        assertThat(third.initExit()).as(third.toString()).isZero();
        assertThat(third.started()).contains("-Dexecution.state-recovery.path=" + LocalFiles.uriOf(tree.lastState().toLocalPath()));
    }

    /** A {@code _metadata} Flink's own serializer wrote for checkpoint {@code id} without state: {@code verify} passes it. */
    static byte[] flinkMetadata(long id) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Checkpoints.storeCheckpointMetadata(new CheckpointMetadata(id, List.of(), List.of()), new DataOutputStream(bytes));
        return bytes.toByteArray();
    }

    /** Runs the init containers with LASTSTATE_STORE={@code store}, one after the other, then, if both exit 0, the main container's lines. */
    private Pod deploy(Path store) throws Exception {
        Files.deleteIfExists(volume.resolve("restore-path"));
        StringBuilder initErr = new StringBuilder();
        for (String args : List.of(PROMOTE_ARGS, RESOLVE_ARGS)) {
            Process init = laststate(arguments(args), Map.of("LASTSTATE_STORE", store.toString()));
            initErr.append(new String(init.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
            assertThat(init.waitFor(120, TimeUnit.SECONDS)).isTrue();
            if (init.exitValue() != 0) {
                return new Pod(init.exitValue(), initErr.toString(), "");
            }
        }
        Process main = sh(block(MAIN_CONTAINER_FIRST_LINE).replace("/docker-entrypoint.sh", "echo"), Map.of());
        String started = new String(main.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(main.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(main.exitValue()).isZero();
        return new Pod(0, initErr.toString(), started);
    }

    /** The arguments of the one README.md line {@code line} (an {@code args: [...]} of YAML's flow style). */
    private static List<String> arguments(String line) throws IOException {
        String found = readme().stream().map(String::strip).filter(line::equals).reduce((a, b) -> {
            throw new AssertionError("README.md holds '" + line + "' more than once");
        }).orElseThrow(() -> new AssertionError("README.md holds '" + line + "'"));
        List<String> args = new ArrayList<>();
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(found.substring("args: ".length()))
                .forEach(arg -> args.add(arg.asText()));
        return args;
    }

    private Process laststate(List<String> args, Map<String, String> env) throws IOException {
        List<String> command = new ArrayList<>(List.of(bin.resolve("laststate").toString()));
        args.forEach(arg -> command.add(arg.replace("/laststate/", volume + "/")));
        return start(command, env);
    }

    private Process sh(String script, Map<String, String> env) throws IOException {
        return start(List.of("sh", "-c", script.replace("/laststate/", volume + "/")), env);
    }

    /** A container's process: an environment of its own, {@code laststate} on the PATH, nothing on stdin. */
    private Process start(List<String> command, Map<String, String> env) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().clear();
        builder.environment().put("PATH", bin + ":/usr/bin:/bin");
        builder.environment().put("HOME", dir.toString());
        builder.environment().putAll(env);
        builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        return builder.start();
    }

    private static List<String> readme() {
        try {
            return Files.readAllLines(Path.of(System.getProperty("readme", "../README.md")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The literal block of README.md that starts with {@code firstLine}: its lines at that indentation. */
    private static String block(String firstLine) {
        List<String> readme = readme();
        int start = -1;
        for (int i = 0; i < readme.size(); i++) {
            if (readme.get(i).strip().equals(firstLine)) {
                assertThat(start).as("README.md holds '" + firstLine + "' once").isEqualTo(-1);
                start = i;
            }
        }
        assertThat(start).as("README.md holds '" + firstLine + "'").isNotNegative();
        String indent = readme.get(start).substring(0, readme.get(start).indexOf(firstLine.charAt(0)));
        List<String> lines = new ArrayList<>();
        for (int i = start; i < readme.size() && readme.get(i).startsWith(indent) && !readme.get(i).isBlank(); i++) {
            lines.add(readme.get(i).substring(indent.length()));
        }
        return String.join("\n", lines) + "\n";
    }
}
