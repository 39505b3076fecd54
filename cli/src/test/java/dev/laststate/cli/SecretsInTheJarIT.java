package dev.laststate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded jar masks like the in-process runs ({@link SecretsNeverPrintedTest}): as a process, main wraps
 * {@code System.out} and {@code System.err} themselves.
 */
class SecretsInTheJarIT {

    private static final Path JAR = Path.of("target", "laststate.jar").toAbsolutePath();
    private static final String TOKEN = "jar-session-token-1";
    private static final String PASSWORD = "jar-uri-password-2";

    @TempDir
    Path dir;

    @Test
    void aFailingProcessPrintsNoSecretInAnyMode() throws Exception {
        int deadPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            deadPort = socket.getLocalPort();
        }
        String endpoint = "s3.endpoint=http://user:" + PASSWORD + "@127.0.0.1:" + deadPort;
        for (List<String> mode : List.of(List.<String>of(), List.of("--output", "json", "--verbose"))) {
            List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-jar", JAR.toString(), "list", "--store", "s3://bucket/flink", "-o", endpoint,
                    "--no-such-flag=" + TOKEN));
            command.addAll(mode);
            Path out = dir.resolve("out.txt");
            Path err = dir.resolve("err.txt");
            ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
            builder.environment().keySet().removeIf(k -> k.startsWith("LASTSTATE_") || k.startsWith("AWS_"));
            builder.environment().put("AWS_ACCESS_KEY_ID", "AKIAJARKEYID0000001");
            builder.environment().put("AWS_SECRET_ACCESS_KEY", "jar-secret-access-key-3");
            builder.environment().put("AWS_SESSION_TOKEN", TOKEN);
            Process process = builder.start();
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String printed = Files.readString(out, StandardCharsets.UTF_8) + Files.readString(err, StandardCharsets.UTF_8);

            assertThat(process.exitValue()).as(printed).isEqualTo(ExitCodes.USAGE);
            assertThat(printed).as(printed).contains("****").doesNotContain(TOKEN).doesNotContain(PASSWORD);
            if (!mode.isEmpty()) {
                assertThat(new ObjectMapper().readTree(Files.readString(out)).get("exitCode").asInt()).isEqualTo(ExitCodes.USAGE);
            }
        }
    }
}
