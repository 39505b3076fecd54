package dev.laststate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded jar masks like the in-process runs ({@link SecretsNeverPrintedTest}): as a process, main wraps
 * {@code System.out} and {@code System.err} themselves.
 */
class SecretsInTheJarIT {

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
            List<String> command = new ArrayList<>(JarProcess.javaJar("list", "--store", "s3://bucket/flink", "-o", endpoint,
                    "--no-such-flag=" + TOKEN));
            command.addAll(mode);
            JarProcess run = JarProcess.run(dir, Map.of("AWS_ACCESS_KEY_ID", "AKIAJARKEYID0000001",
                    "AWS_SECRET_ACCESS_KEY", "jar-secret-access-key-3", "AWS_SESSION_TOKEN", TOKEN), command);
            String printed = run.out() + run.err();

            assertThat(run.exitCode()).as(printed).isEqualTo(ExitCodes.USAGE);
            assertThat(printed).as(printed).contains("****").doesNotContain(TOKEN).doesNotContain(PASSWORD);
            if (!mode.isEmpty()) {
                assertThat(new ObjectMapper().readTree(run.out()).get("exitCode").asInt()).isEqualTo(ExitCodes.USAGE);
            }
        }
    }
}
