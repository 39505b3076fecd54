package dev.laststate.e2e;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Azurite's Blob service as a child process on 127.0.0.1 (free port), in memory: the one the azure module's
 * build installs into {@code azure/node_modules} (as its own tests start it). Missing Node or Azurite fails
 * with the way to install them: nothing is skipped.
 */
final class AzuriteEmulator implements AutoCloseable {

    /** Azurite's well-known development account and key (public, documented by Microsoft). */
    static final String ACCOUNT = "devstoreaccount1";
    static final String KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static final String HOW_TO_INSTALL = "install Node.js 20 or newer (apt-get install nodejs npm) and build the azure module "
            + "first ('mvn -B -pl e2e -am verify' runs 'npm ci' in azure/ when azure/node_modules is missing)";
    private static final Duration START_LIMIT = Duration.ofSeconds(60);

    private final Process process;
    private final int port;

    private AzuriteEmulator(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static AzuriteEmulator start() throws IOException, InterruptedException {
        Path executable = Path.of(System.getProperty("azurite.executable", "../azure/node_modules/.bin/azurite-blob"));
        if (!Files.isExecutable(executable)) {
            throw new IllegalStateException("Azurite is not installed at " + executable.toAbsolutePath().normalize() + ": " + HOW_TO_INSTALL);
        }
        int port;
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            port = socket.getLocalPort();
        }
        Path log = Files.createDirectories(Path.of("target")).resolve("azurite-" + port + ".log");
        List<String> command = List.of(executable.toString(), "--blobHost", "127.0.0.1", "--blobPort", String.valueOf(port),
                "--inMemoryPersistence", "--skipApiVersionCheck", "--loose", "--silent", "--disableTelemetry");
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start Azurite (" + executable + "): " + e.getMessage() + "; " + HOW_TO_INSTALL, e);
        }
        AzuriteEmulator azurite = new AzuriteEmulator(process, port);
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

    /** A connection string of the development account with {@code key}, naming this instance's path-style Blob endpoint. */
    String connectionString(String key) {
        return "DefaultEndpointsProtocol=http;AccountName=" + ACCOUNT + ";AccountKey=" + key
                + ";BlobEndpoint=http://127.0.0.1:" + port + "/" + ACCOUNT + ";";
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException refused) {
            return false;
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
