package dev.laststate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The shaded jar (or the launcher) run as a process of its own, for the tests that need a real JVM: its exit
 * code, stdout and stderr. The child starts with this JVM's environment less every {@code LASTSTATE_*},
 * {@code AWS_*} and {@code JAVA_TOOL_OPTIONS} variable, with {@code JAVA_HOME} set to this JVM, plus what the
 * test gives; output goes through files, so no pipe can block.
 */
record JarProcess(int exitCode, String out, String err) {

    /** The jar {@code mvn package} builds, which the tests that run it require. */
    static final Path JAR = Path.of("target", "laststate.jar").toAbsolutePath();

    /** Fails a test class whose jar is missing, with the command that builds it. */
    static void requireJar() {
        assertThat(JAR).as("run 'mvn package' first").isRegularFile();
    }

    /** {@code @ExtendWith(JarProcess.Built.class)}: the class's tests need the jar that {@code mvn package} builds. */
    static final class Built implements BeforeAllCallback {
        @Override
        public void beforeAll(ExtensionContext context) {
            requireJar();
        }
    }

    /** {@code java -jar laststate.jar <args>} with this JVM's {@code java}. */
    static List<String> javaJar(String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JAR.toString()));
        command.addAll(List.of(args));
        return command;
    }

    /** Runs {@code command} to its end (at most 60 s), with its output in temporary files under {@code scratch}. */
    static JarProcess run(Path scratch, Map<String, String> env, List<String> command) throws IOException, InterruptedException {
        Path out = Files.createTempFile(scratch, "out", ".txt");
        Path err = Files.createTempFile(scratch, "err", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("LASTSTATE_") || k.startsWith("AWS_")
                || k.equals("JAVA_TOOL_OPTIONS"));
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("timed out: " + command);
        }
        JarProcess result = new JarProcess(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
        Files.delete(out);
        Files.delete(err);
        return result;
    }
}
