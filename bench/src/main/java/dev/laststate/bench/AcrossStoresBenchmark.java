package dev.laststate.bench;

import dev.laststate.s3.S3CheckpointStoreProvider;
import dev.laststate.s3.S3ProxyServer;
import dev.laststate.s3.S3StoreConfig;
import dev.laststate.store.CheckpointStore;
import dev.laststate.store.StoreUri;
import dev.laststate.store.file.FileCheckpointStore;
import dev.laststate.verify.SnapshotVerifier;
import dev.laststate.verify.Verification;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A promotion into another store, the way an operator runs it: the command line (the shaded jar, a process of its own
 * with a small heap) promotes a RocksDB-shaped checkpoint ({@link SyntheticRocksDbJob}: Flink's layout and Flink's
 * own {@code _metadata} serializer) whose SSTs are each larger than the heap, from S3Proxy to the local file system
 * and from the local file system to S3Proxy. Every file is streamed through the process; the figures are its wall
 * time, its throughput and its peak RSS ({@code /usr/bin/time}), and each target must then verify restorable and
 * self-contained.
 *
 * <p>Run: {@code java -Xmx8g -jar bench/target/laststate-bench.jar across [repo] [SSTs x MiB, default 4x384]
 * [promoter heap, default 128m]}, after {@code mvn -q -DskipTests package}. Not a test: nothing runs it during
 * {@code mvn verify}.
 */
public final class AcrossStoresBenchmark {

    private static final String JOB = "0c4e5eed00000000000000000000beef";
    private static final String BUCKET = "bench";
    private static final Path TIME = Path.of("/usr/bin/time");

    private AcrossStoresBenchmark() {}

    /** One promotion by the command line. */
    record Row(String direction, long stateBytes, int files, long millis, long rssKib, int exitCode, boolean restorable,
               boolean selfContained, String output) {}

    public static void main(String[] args) throws Exception {
        Path repo = Path.of(args.length > 0 ? args[0] : ".").toRealPath();
        String[] shape = (args.length > 1 ? args[1] : "4x384").toLowerCase().split("x");
        int ssts = Integer.parseInt(shape[0]);
        int sstBytes = Math.toIntExact(Long.parseLong(shape[1]) * 1024 * 1024);
        String heap = args.length > 2 ? args[2] : "128m";
        Path jar = repo.resolve("cli/target/laststate.jar");
        if (!Files.isRegularFile(jar) || !Files.isExecutable(TIME)) {
            throw new IllegalStateException("needs " + jar + " (mvn -q -DskipTests package) and " + TIME);
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> promoter = List.of(java, "-Xmx" + heap, "-XX:+UseSerialGC", "-jar", jar.toString());
        Path scratch = Files.createTempDirectory("laststate-across-bench");
        List<Row> rows = new ArrayList<>();
        try (S3ProxyServer proxy = S3ProxyServer.start();
             CheckpointStore files = new FileCheckpointStore()) {
            proxy.createBucket(BUCKET);
            Map<String, String> env = Map.of("AWS_ACCESS_KEY_ID", S3ProxyServer.ACCESS_KEY,
                    "AWS_SECRET_ACCESS_KEY", S3ProxyServer.SECRET_KEY, "AWS_REGION", S3ProxyServer.REGION);
            String endpoint = "s3.endpoint=" + proxy.endpoint();
            try (CheckpointStore s3 = new S3CheckpointStoreProvider().open(
                    Map.of(S3StoreConfig.ENDPOINT, proxy.endpoint().toString(), S3StoreConfig.REGION, S3ProxyServer.REGION),
                    Map.of("AWS_ACCESS_KEY_ID", S3ProxyServer.ACCESS_KEY, "AWS_SECRET_ACCESS_KEY", S3ProxyServer.SECRET_KEY),
                    List.of())) {
                StoreUri s3Checkpoints = StoreUri.parse("s3://" + BUCKET + "/checkpoints");
                SyntheticRocksDbJob onS3 = new SyntheticRocksDbJob(s3, s3Checkpoints, JOB);
                System.err.printf("writing %d SSTs of %d MiB to S3Proxy ...%n", ssts, sstBytes >> 20);
                onS3.first(ssts, sstBytes);
                StoreUri localTarget = StoreUri.ofLocalPath(scratch.resolve("dr/last-state").toString());
                rows.add(promote("S3Proxy -> local file system", promoter, env, scratch, onS3.liveSstBytes(), ssts,
                        List.of("promote", "--store", s3Checkpoints.toString(), "-o", endpoint, "--target", localTarget.toString()),
                        files, localTarget));

                // S3Proxy's transient store is bounded (4 GiB): the first direction's objects make room for the second's.
                proxy.deleteAll(BUCKET, "");
                StoreUri localCheckpoints = StoreUri.ofLocalPath(scratch.resolve("checkpoints").toString());
                SyntheticRocksDbJob local = new SyntheticRocksDbJob(files, localCheckpoints, JOB);
                System.err.printf("writing %d SSTs of %d MiB to the local file system ...%n", ssts, sstBytes >> 20);
                local.first(ssts, sstBytes);
                StoreUri s3Target = StoreUri.parse("s3://" + BUCKET + "/dr/last-state");
                rows.add(promote("local file system -> S3Proxy", promoter, env, scratch, local.liveSstBytes(), ssts,
                        List.of("promote", "--store", localCheckpoints.toString(), "--target", s3Target.toString(), "-o", endpoint),
                        s3, s3Target));
            }
        } finally {
            RelocatedPromotionBenchmark.deleteTree(scratch);
        }
        System.out.printf("%nPromoter: `java -Xmx%s -XX:+UseSerialGC -jar cli/target/laststate.jar promote ...`, %d cores%n%n",
                heap, Runtime.getRuntime().availableProcessors());
        System.out.println("| direction | state | largest file | exit | wall time | throughput | peak RSS | restorable, self-contained |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---|");
        for (Row row : rows) {
            System.out.printf("| %s | %d MiB in %d SSTs | %d MiB | %d | %.1f s | %.0f MiB/s | %d MiB | %s |%n", row.direction(),
                    row.stateBytes() >> 20, row.files(), sstBytes >> 20, row.exitCode(), row.millis() / 1000.0,
                    (row.stateBytes() / 1048576.0) / (row.millis() / 1000.0), row.rssKib() / 1024,
                    row.restorable() && row.selfContained() ? "yes" : "NO");
        }
        if (!rows.stream().allMatch(r -> r.exitCode() == 0 && r.restorable() && r.selfContained())) {
            rows.forEach(r -> System.err.println(r.direction() + ": " + r.output()));
            System.err.println("A PROMOTION FAILED OR ITS TARGET DOES NOT VERIFY (see above)");
            System.exit(1);
        }
    }

    private static Row promote(String direction, List<String> promoter, Map<String, String> env, Path scratch, long stateBytes,
                               int ssts, List<String> arguments, CheckpointStore targetStore, StoreUri target) throws Exception {
        System.err.println(direction + " ...");
        List<String> command = new ArrayList<>(promoter);
        command.addAll(arguments);
        ColdStartBenchmark.Run run = ColdStartBenchmark.run(command, env, scratch, Duration.ofMinutes(30));
        System.err.println("  " + run.output().strip().replace("\n", "\n  "));
        if (run.exitCode() != 0) {
            return new Row(direction, stateBytes, ssts, run.millis(), run.rssKib(), run.exitCode(), false, false, run.output().strip());
        }
        Verification verification = new SnapshotVerifier(targetStore).verify(target);
        boolean selfContained = verification.files().stream().allMatch(f -> target.contains(f.uri()));
        return new Row(direction, stateBytes, ssts, run.millis(), run.rssKib(), run.exitCode(), verification.restorable(), selfContained,
                run.output().strip());
    }
}
