package dev.laststate.bench;

import dev.laststate.s3.S3ProxyServer;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Times whole laststate processes from start to exit, as a CronJob or an init container starts them: {@code --help},
 * a cold local {@code promote} of {@code examples/checkpoints} (a fresh copy each run) and a cold S3 {@code promote}
 * of the same tree (a fresh prefix each run) against S3Proxy in this JVM, each under several ways of starting the
 * JVM; {@code java -version} is the floor. Peak RSS of each local promote comes from {@code /usr/bin/time}. The
 * configurations take turns run by run, so a neighbour's load spreads over all of them.
 *
 * <p>Usage: {@code java -cp bench/target/laststate-bench.jar dev.laststate.bench.ColdStartBenchmark [repo] [runs]}.
 */
public final class ColdStartBenchmark {

    private static final String BUCKET = "bench";
    private static final Path TIME = Path.of("/usr/bin/time");

    private ColdStartBenchmark() {}

    /** How a configuration starts laststate: a command prefix the arguments follow. */
    record Launch(String name, List<String> prefix) {}

    /** Wall times (ms) and peak RSS (KiB, 0 when unknown) of one configuration's runs of one workload. */
    record Samples(List<Long> millis, List<Long> rssKib) {
        Samples() {
            this(new ArrayList<>(), new ArrayList<>());
        }
    }

    public static void main(String[] args) throws Exception {
        Path repo = Path.of(args.length > 0 ? args[0] : ".").toRealPath();
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 7;
        Path jar = repo.resolve("cli/target/laststate.jar");
        Path archive = repo.resolve("cli/target/laststate.jsa");
        Path examples = repo.resolve("examples/checkpoints");
        if (!Files.isRegularFile(jar) || !Files.isRegularFile(archive)) {
            throw new IllegalStateException("build first: mvn -q -DskipTests package (" + jar + ", " + archive + ")");
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> flags = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:-UsePerfData");
        List<String> share = List.of("-Xshare:auto", "-XX:SharedArchiveFile=" + archive, "-Xlog:cds=off,cds+dynamic=off");
        List<Launch> launches = List.of(
                new Launch("java -jar (no flags, no archive: the launcher before)", concat(List.of(java), List.of("-jar", jar.toString()))),
                new Launch("flags only", concat(List.of(java), flags, List.of("-jar", jar.toString()))),
                new Launch("archive only", concat(List.of(java), share, List.of("-jar", jar.toString()))),
                new Launch("bin/laststate (flags + archive)", List.of("sh", repo.resolve("bin/laststate").toString())));

        Path scratch = Files.createTempDirectory("laststate-coldstart");
        Map<String, Samples> floor = new LinkedHashMap<>();
        Map<String, Map<String, Samples>> table = new LinkedHashMap<>();
        try (S3ProxyServer proxy = S3ProxyServer.start()) {
            URI endpoint = proxy.endpoint();
            Map<String, String> s3Env = Map.of("AWS_ACCESS_KEY_ID", S3ProxyServer.ACCESS_KEY,
                    "AWS_SECRET_ACCESS_KEY", S3ProxyServer.SECRET_KEY, "AWS_REGION", S3ProxyServer.REGION);
            proxy.createBucket(BUCKET);
            int prefix = 0;
            // Round 0 warms the page cache and S3Proxy and is not counted.
            for (int round = 0; round <= runs; round++) {
                Samples version = floor.computeIfAbsent("java -version", k -> new Samples());
                record(round, version, run(List.of(java, "-version"), Map.of(), scratch));
                for (Launch launch : launches) {
                    Map<String, Samples> row = table.computeIfAbsent(launch.name(), k -> new LinkedHashMap<>());
                    record(round, row.computeIfAbsent("--help", k -> new Samples()),
                            run(concat(launch.prefix(), List.of("--help")), Map.of(), scratch));

                    Path store = scratch.resolve("local-" + prefix);
                    copy(examples, store);
                    record(round, row.computeIfAbsent("local promote", k -> new Samples()),
                            expectExit0(run(concat(launch.prefix(), List.of("promote", "--store", store.toString())), Map.of(), scratch)));

                    String s3Store = "s3://" + BUCKET + "/run-" + prefix;
                    upload(proxy, examples, "run-" + prefix);
                    record(round, row.computeIfAbsent("S3 promote", k -> new Samples()),
                            expectExit0(run(concat(launch.prefix(), List.of("promote", "--store", s3Store, "-o", "s3.endpoint=" + endpoint)),
                                    s3Env, scratch)));
                    prefix++;
                }
            }
        } finally {
            delete(scratch);
        }
        print(java, runs, floor, table);
    }

    /** One finished process: wall time, exit code, peak RSS, output. */
    record Run(long millis, int exitCode, long rssKib, String output) {}

    private static Run run(List<String> command, Map<String, String> env, Path scratch) throws IOException, InterruptedException {
        return run(command, env, scratch, Duration.ofMinutes(2));
    }

    /** Runs {@code command} under {@code /usr/bin/time} (when there) with a clean laststate and AWS environment plus {@code env}. */
    static Run run(List<String> command, Map<String, String> env, Path scratch, Duration timeout) throws IOException, InterruptedException {
        Path rss = scratch.resolve("rss.txt");
        Path output = scratch.resolve("output.txt");
        List<String> full = Files.isExecutable(TIME) ? concat(List.of(TIME.toString(), "-f", "%M", "-o", rss.toString()), command) : command;
        ProcessBuilder builder = new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("LASTSTATE_") || k.startsWith("AWS_"));
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().putAll(env);
        long start = System.nanoTime();
        Process process = builder.start();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("timed out: " + command);
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        long kib = Files.isExecutable(TIME) ? Long.parseLong(Files.readString(rss).strip().lines().reduce((a, b) -> b).orElse("0")) : 0;
        return new Run(millis, process.exitValue(), kib, Files.readString(output, StandardCharsets.UTF_8));
    }

    private static Run expectExit0(Run run) {
        if (run.exitCode() != 0) {
            throw new IllegalStateException("exit " + run.exitCode() + ": " + run.output());
        }
        return run;
    }

    private static void record(int round, Samples samples, Run run) {
        if (round > 0) {
            samples.millis().add(run.millis());
            samples.rssKib().add(run.rssKib());
        }
    }

    private static void upload(S3ProxyServer proxy, Path from, String prefix) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String key = prefix + "/" + from.relativize(file).toString().replace('\\', '/');
                proxy.put(BUCKET, key, file);
            }
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path path : paths.toList()) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target);
                }
            }
        }
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    @SafeVarargs
    private static List<String> concat(List<String>... parts) {
        List<String> all = new ArrayList<>();
        for (List<String> part : parts) {
            all.addAll(part);
        }
        return all;
    }

    private static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    private static String cell(List<Long> millis) {
        List<Long> sorted = millis.stream().sorted().toList();
        return String.format("%.2f s (%.2f-%.2f)", median(millis) / 1000.0, sorted.get(0) / 1000.0, sorted.get(sorted.size() - 1) / 1000.0);
    }

    private static void print(String java, int runs, Map<String, Samples> floor, Map<String, Map<String, Samples>> table) {
        System.out.printf("%s (%s), %d cores, %d runs each (median (min-max)), wall time from process start to exit%n%n",
                java, System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(), runs);
        System.out.printf("floor: java -version %s%n%n", cell(floor.get("java -version").millis()));
        System.out.println("| start | --help | local promote | S3 promote | peak RSS, local promote |");
        System.out.println("|---|---:|---:|---:|---:|");
        table.forEach((name, row) -> {
            List<Long> rss = row.get("local promote").rssKib();
            System.out.printf("| %s | %s | %s | %s | %s |%n", name, cell(row.get("--help").millis()),
                    cell(row.get("local promote").millis()), cell(row.get("S3 promote").millis()),
                    median(rss) == 0 ? "n/a" : String.format("%d MiB (%d-%d)", median(rss) / 1024,
                            rss.stream().mapToLong(Long::longValue).min().orElse(0) / 1024,
                            rss.stream().mapToLong(Long::longValue).max().orElse(0) / 1024));
        });
    }
}
