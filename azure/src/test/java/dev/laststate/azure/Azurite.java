package dev.laststate.azure;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Azurite's Blob service as a child process on 127.0.0.1, in memory; started once per test class and
 * stopped on {@link #close()} or, failing that, when the JVM exits. Missing Node or Azurite fails the
 * test with the way to install them: nothing is skipped.
 */
public final class Azurite implements AutoCloseable {

    /** Azurite's well-known development account and key (public, documented by Microsoft). */
    public static final String ACCOUNT = "devstoreaccount1";
    public static final String KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static final String HOW_TO_INSTALL = "install Node.js 20 or newer (apt-get install nodejs npm) and run 'npm ci' in the azure "
            + "module (mvn verify does it by itself when azure/node_modules is missing; other modules' tests set "
            + "-Dazurite.executable to azure/node_modules/.bin/azurite-blob)";
    private static final Duration START_LIMIT = Duration.ofSeconds(60);

    private final Process process;
    private final int port;
    private final Thread stopAtExit;

    private Azurite(Process process, int port) {
        this.process = process;
        this.port = port;
        this.stopAtExit = new Thread(this::stop, "stop-azurite-" + port);
        Runtime.getRuntime().addShutdownHook(stopAtExit);
    }

    public static Azurite start() throws IOException, InterruptedException {
        Path executable = Path.of(System.getProperty("azurite.executable", "node_modules/.bin/azurite-blob"));
        if (!Files.isExecutable(executable)) {
            throw new IllegalStateException("Azurite is not installed at " + executable.toAbsolutePath() + ": " + HOW_TO_INSTALL);
        }
        int port = freePort();
        Path log = Files.createDirectories(Path.of("target")).resolve("azurite-" + port + ".log");
        List<String> command = List.of(executable.toString(), "--blobHost", "127.0.0.1", "--blobPort", String.valueOf(port),
                "--inMemoryPersistence", "--skipApiVersionCheck", "--loose", "--silent", "--disableTelemetry");
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start Azurite (" + executable + "): " + e.getMessage() + "; " + HOW_TO_INSTALL, e);
        }
        Azurite azurite = new Azurite(process, port);
        Instant deadline = Instant.now().plus(START_LIMIT);
        while (!accepts(port)) {
            if (!process.isAlive()) {
                azurite.close();
                throw new IllegalStateException("Azurite exited with code " + process.exitValue() + " before accepting connections; its output: "
                        + Files.readString(log) + "\n(is Node.js on the PATH? " + HOW_TO_INSTALL + ")");
            }
            if (Instant.now().isAfter(deadline)) {
                azurite.close();
                throw new IllegalStateException("Azurite did not accept connections on 127.0.0.1:" + port + " within " + START_LIMIT
                        + "; its output: " + Files.readString(log));
            }
            Thread.sleep(100);
        }
        return azurite;
    }

    /** The port Azurite's Blob service listens on, on 127.0.0.1. */
    public int port() {
        return port;
    }

    /** The path-style Blob endpoint of the development account, the value of {@code azure.endpoint}. */
    public String endpoint() {
        return "http://127.0.0.1:" + port + "/" + ACCOUNT;
    }

    /** A connection string with the development account's key and this instance's endpoint. */
    public String connectionString() {
        return connectionString(KEY);
    }

    public String connectionString(String key) {
        return "DefaultEndpointsProtocol=http;AccountName=" + ACCOUNT + ";AccountKey=" + key + ";BlobEndpoint=" + endpoint() + ";";
    }

    /** The environment of a process that has only the connection string. */
    public Map<String, String> environment() {
        return Map.of(AzureCredentials.CONNECTION_STRING, connectionString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        }
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException refused) {
            return false;
        }
    }

    private void stop() {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    @Override
    public void close() {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(stopAtExit);
        } catch (IllegalStateException exiting) {
            // the JVM is already exiting and runs the hook itself
        }
    }

}
