package dev.laststate.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Builds {@code laststate.jsa}, the class-data-sharing archive {@code bin/laststate} starts the jar with, at
 * {@code package} time (not part of the command line). A training JVM runs the commands a deployment runs, in
 * process: help, a local promotion of a copy of {@code examples/checkpoints} with list, status, resolve and
 * verify, and a promotion against each cloud store (S3, GCS, Azure over a local HTTP server that answers an
 * empty listing; HDFS against a closed port), and the JobManager client. It records the classes it loaded;
 * a second JVM dumps them into a static archive ({@code -Xshare:dump}).
 *
 * <p>Static rather than dynamic ({@code -XX:ArchiveClassesAtExit}): JDK 17 leaves classes of class-file
 * version 49 out of a dynamic archive, and picocli is compiled for Java 5, so a dynamic archive misses every
 * class {@code --help} needs (measured: {@code --help} 0.18 s with a dynamic archive, 0.14 s with a static one).
 * The archive is written beside and then renamed over the old one, so a running launcher never maps a half
 * written file. The JVM itself rejects an archive of another jar or JVM; the launcher also skips one older than
 * the jar.
 *
 * <p>Usage: {@code java -cp laststate.jar dev.laststate.cli.ClassDataArchive <jar> <archive> <checkpoints>}.
 */
final class ClassDataArchive {

    /** Each training command gets this long; a store that hangs must not hang the build. */
    private static final long COMMAND_SECONDS = 60;

    private ClassDataArchive() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("--train")) {
            System.exit(train(Path.of(args[1])));
        }
        if (args.length != 3) {
            throw new IllegalArgumentException("usage: ClassDataArchive <jar> <archive> <checkpoints>");
        }
        Path jar = Path.of(args[0]).toRealPath(); // the path bin/laststate names (pwd -P): the archive records it
        Path archive = Path.of(args[1]).toAbsolutePath();
        Path checkpoints = Path.of(args[2]).toRealPath();
        String java = ProcessHandle.current().info().command().orElseThrow(() -> new IllegalStateException("no java command"));
        Path classList = archive.resolveSibling(archive.getFileName() + ".classlist");
        Path written = archive.resolveSibling(archive.getFileName() + ".tmp");
        Files.deleteIfExists(written);

        // The training JVM runs with the launcher's flags, so it loads what a launched run loads.
        run(List.of(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:-UsePerfData", "-Xshare:auto",
                "-XX:DumpLoadedClassList=" + classList, "-cp", jar.toString(), ClassDataArchive.class.getName(), "--train",
                checkpoints.toString()));
        // The dump warns about every class it cannot archive (proxies, JFR events); none of that is an error.
        run(List.of(java, "-Xshare:dump", "-Xlog:cds=off", "-Xlog:cds+heap=off", "-XX:SharedClassListFile=" + classList,
                "-XX:SharedArchiveFile=" + written, "-cp", jar.toString()));
        Files.move(written, archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Files.delete(classList);
        // Proof that the archive maps: -Xshare:on fails instead of falling back.
        run(List.of(java, "-Xshare:on", "-XX:SharedArchiveFile=" + archive, "-jar", jar.toString(), "--version"));
        System.out.println("class-data archive " + archive + ": " + Files.size(archive) / (1024 * 1024) + " MiB");
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        System.out.println("$ " + String.join(" ", command));
        Process process = new ProcessBuilder(command).inheritIO().start();
        if (!process.waitFor(10, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException("timed out: " + command);
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException("exit " + process.exitValue() + ": " + command);
        }
    }

    /** The training run: every command in this JVM; fails only when a local command does not do its job. */
    private static int train(Path examples) throws Exception {
        Path dir = Files.createTempDirectory("laststate-training");
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ClassDataArchive::answer);
        server.start();
        try {
            Path store = dir.resolve("checkpoints");
            copy(examples, store);
            String local = store.toString();
            String endpoint = "http://127.0.0.1:" + server.getAddress().getPort();
            Map<String, String> none = Map.of();

            expect(0, none, "--help");
            expect(0, none, "--version");
            expect(0, none, "promote", "--help");
            expect(0, none, "list", "--store", local);
            expect(0, none, "promote", "--store", local, "--dry-run");
            expect(0, none, "promote", "--store", local);
            expect(0, none, "promote", "--store", local, "--output", "json");
            expect(0, none, "status", "--store", local);
            expect(0, none, "status", "--store", local, "--output", "json");
            expect(0, none, "resolve", "--store", local);
            expect(0, none, "verify", "--store", local);
            expect(ExitCodes.USAGE, none, "promote");
            String empty = Files.createDirectory(dir.resolve("empty")).toString();
            expect(ExitCodes.UNKNOWN_TARGET, none, "status", "--store", empty);
            expect(0, none, "init", "--store", empty);
            expect(ExitCodes.NOTHING_TO_PROMOTE, none, "status", "--store", empty);

            // The cloud stores: each opened, its client built and one listing answered (empty), or refused.
            attempt(Map.of("AWS_ACCESS_KEY_ID", "training", "AWS_SECRET_ACCESS_KEY", "training", "AWS_REGION", "us-east-1"),
                    "promote", "--store", "s3://training/checkpoints", "-o", "s3.endpoint=" + endpoint);
            attempt(Map.of("STORAGE_EMULATOR_HOST", endpoint), "promote", "--store", "gs://training/checkpoints");
            attempt(Map.of("AZURE_STORAGE_CONNECTION_STRING", "DefaultEndpointsProtocol=http;AccountName=training;"
                            + "AccountKey=dHJhaW5pbmc=;BlobEndpoint=" + endpoint + "/training;"),
                    "promote", "--store", "abfss://checkpoints@training.dfs.core.windows.net/checkpoints");
            attempt(none, "promote", "--store", "hdfs://127.0.0.1:1/checkpoints", "-o", "hdfs.ipc.client.connect.max.retries=0");
            attempt(none, "promote", "--store", local, "--jobmanager", endpoint);
            return 0;
        } finally {
            server.stop(0);
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
    }

    private static void expect(int exitCode, Map<String, String> env, String... args) throws Exception {
        int actual = attempt(env, args);
        if (actual != exitCode) {
            throw new IllegalStateException("training: " + String.join(" ", args) + " exited " + actual + ", not " + exitCode);
        }
    }

    /** Runs one command in a thread of its own, so a store that never answers costs at most a minute. */
    private static int attempt(Map<String, String> env, String... args) throws InterruptedException {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int[] exitCode = {-1};
        Thread thread = new Thread(() -> exitCode[0] = LastStateCommand.run(args, new PrintWriter(out), new PrintWriter(err), env),
                "training");
        thread.setDaemon(true);
        long start = System.nanoTime();
        thread.start();
        thread.join(TimeUnit.SECONDS.toMillis(COMMAND_SECONDS));
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        String firstLine = (out + "" + err).lines().findFirst().orElse("");
        System.out.printf("training: %s -> %s in %d ms: %s%n", String.join(" ", args),
                thread.isAlive() ? "timed out" : "exit " + exitCode[0], millis, firstLine);
        return exitCode[0];
    }

    /** An empty listing in the dialect of whoever asks (S3, GCS's JSON API, Azure Blob); 404 for the rest. */
    private static void answer(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String query = String.valueOf(exchange.getRequestURI().getQuery());
        String type;
        String body;
        int status = 200;
        if (path.startsWith("/storage/v1/b/")) {
            type = "application/json";
            body = "{\"kind\":\"storage#objects\"}";
        } else if (query.contains("comp=list")) {
            type = "application/xml";
            body = "<?xml version=\"1.0\" encoding=\"utf-8\"?><EnumerationResults ServiceEndpoint=\"http://127.0.0.1/training\" "
                    + "ContainerName=\"checkpoints\"><Blobs /><NextMarker /></EnumerationResults>";
            exchange.getResponseHeaders().add("x-ms-version", "2021-12-02");
        } else if (query.contains("list-type=2")) {
            type = "application/xml";
            body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                    + "<Name>training</Name><KeyCount>0</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>"
                    + "</ListBucketResult>";
        } else {
            status = 404;
            type = "application/json";
            body = "{\"errors\":[\"not found\"]}";
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        List<Path> paths = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(from)) {
            walk.forEach(paths::add);
        }
        for (Path path : paths) {
            Path target = to.resolve(from.relativize(path).toString());
            if (Files.isDirectory(path)) {
                Files.createDirectories(target);
            } else {
                Files.copy(path, target);
            }
        }
    }
}
