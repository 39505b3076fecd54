package dev.laststate.bench;

import dev.laststate.flink.FlinkLayout;
import dev.laststate.flink.PromotionRequest;
import dev.laststate.flink.PromotionResult;
import dev.laststate.flink.PromotionStatus;
import dev.laststate.flink.Promoter;
import dev.laststate.s3.S3CheckpointStoreProvider;
import dev.laststate.s3.S3ProxyServer;
import dev.laststate.s3.S3StoreConfig;
import dev.laststate.store.CheckpointStore;
import dev.laststate.store.StoreUri;
import dev.laststate.store.WriteCondition;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.gaul.s3proxy.S3Proxy;

/**
 * Times {@code promote} (the API's {@link Promoter} on the S3 store) against an in-process S3Proxy while the
 * job's {@code shared/} directory grows: 1,000, 10,000 and 100,000 objects by default. Seeding is timed
 * apart from promotion. Each size promotes the same checkpoint (20 state files of 64 KiB plus
 * {@code _metadata}) {@value #ROUNDS} times into fresh targets and reports the median wall time, the HTTP
 * requests of one promotion by S3 operation, and the heap the JVM grew by during it.
 *
 * <p>Run: {@code mvn -B -pl bench -am -DskipTests package && java -jar bench/target/laststate-bench.jar
 * [sizes, comma-separated]}. Not a test: nothing runs it during {@code mvn verify}.
 */
public final class PromoteBenchmark {

    private static final String JOB = "5e1ec7ab1e0000000000000000000042";
    private static final String BUCKET = "bench";
    private static final int STATE_FILES = 20;
    private static final int STATE_FILE_BYTES = 64 * 1024;
    private static final int SEED_THREADS = 64;
    private static final int ROUNDS = 3;

    private PromoteBenchmark() {}

    /** One size's outcome. */
    record Row(int shared, Duration seeding, Duration promoteMedian, List<Duration> promotes, Map<String, Long> requests,
               long heapGrowthBytes, long filesCopied) {}

    public static void main(String[] args) throws Exception {
        int[] sizes = args.length == 0 ? new int[] {1_000, 10_000, 100_000}
                : Arrays.stream(args[0].split(",")).mapToInt(s -> Integer.parseInt(s.strip().replace("_", ""))).toArray();
        try (S3ProxyServer proxy = S3ProxyServer.start()) {
            proxy.createBucket(BUCKET);
            print(measure(proxy.endpoint(), sizes));
        }
    }

    private static List<Row> measure(URI endpoint, int[] sizes) throws Exception {
        List<Row> rows = new ArrayList<>();
        S3RequestCounter counter = new S3RequestCounter();
        // The store as the CLI opens it, with the key pair in its environment map and the counter observing.
        try (CheckpointStore store = new S3CheckpointStoreProvider().open(
                Map.of(S3StoreConfig.ENDPOINT, endpoint.toString(), S3StoreConfig.REGION, "us-east-1",
                        S3StoreConfig.MAX_CONCURRENCY, Integer.toString(SEED_THREADS)),
                Map.of("AWS_ACCESS_KEY_ID", S3ProxyServer.ACCESS_KEY, "AWS_SECRET_ACCESS_KEY", S3ProxyServer.SECRET_KEY),
                List.of(counter))) {
            for (int size : sizes) {
                rows.add(run(store, counter, size));
                System.err.printf("shared=%d done%n", size);
            }
        }
        return rows;
    }

    private static Row run(CheckpointStore store, S3RequestCounter counter, int shared) throws Exception {
        StoreUri checkpoints = StoreUri.parse("s3://" + BUCKET + "/shared-" + shared);
        StoreUri jobDir = checkpoints.resolve(JOB);
        Instant seedStart = Instant.now();
        writeCheckpoint(store, jobDir.resolve("chk-41"), 41);
        writeCheckpoint(store, jobDir.resolve("chk-42"), 42);
        seed(store, jobDir.resolve(FlinkLayout.SHARED), shared);
        Duration seeding = Duration.between(seedStart, Instant.now());

        List<Duration> promotes = new ArrayList<>();
        Map<String, Long> requests = Map.of();
        long heapGrowth = 0;
        long files = 0;
        for (int round = 0; round < ROUNDS; round++) {
            PromotionRequest request = PromotionRequest.builder(checkpoints, JOB).target(checkpoints.resolve("last-state-" + round)).build();
            System.gc();
            long before = heapUsed();
            resetPeaks();
            counter.reset();
            Instant start = Instant.now();
            PromotionResult result = new Promoter(store).promote(request);
            promotes.add(Duration.between(start, Instant.now()));
            if (result.status() != PromotionStatus.PROMOTED) {
                throw new IllegalStateException("expected PROMOTED, got " + result);
            }
            requests = new TreeMap<>(counter.counts());
            heapGrowth = Math.max(heapGrowth, peakHeapUsed() - before);
            files = result.filesCopied();
        }
        List<Duration> sorted = promotes.stream().sorted().toList();
        return new Row(shared, seeding, sorted.get(sorted.size() / 2), promotes, requests, heapGrowth, files);
    }

    private static void writeCheckpoint(CheckpointStore store, StoreUri dir, long id) throws Exception {
        byte[] state = new byte[STATE_FILE_BYTES];
        Arrays.fill(state, (byte) id);
        for (int i = 0; i < STATE_FILES; i++) {
            store.write(dir.resolve(String.format("%08x-state-%d", id, i)), state, WriteCondition.overwrite());
        }
        ByteArrayOutputStream metadata = new ByteArrayOutputStream();
        metadata.writeBytes(FlinkLayout.metadataHeader(id));
        metadata.writeBytes(("metadata of checkpoint " + id).getBytes(StandardCharsets.UTF_8));
        store.write(dir.resolve(FlinkLayout.METADATA), metadata.toByteArray(), WriteCondition.overwrite());
    }

    /** Small objects, {@value #SEED_THREADS} writes at a time. */
    private static void seed(CheckpointStore store, StoreUri shared, int count) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(SEED_THREADS);
        try {
            List<Future<?>> writes = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                StoreUri uri = shared.resolve(String.format("%036x", i));
                byte[] bytes = ("shared " + i).getBytes(StandardCharsets.UTF_8);
                writes.add(pool.submit(() -> store.write(uri, bytes, WriteCondition.overwrite())));
            }
            for (Future<?> write : writes) {
                write.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static List<MemoryPoolMXBean> heapPools() {
        return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP).toList();
    }

    private static long heapUsed() {
        return heapPools().stream().mapToLong(p -> p.getUsage().getUsed()).sum();
    }

    private static void resetPeaks() {
        heapPools().forEach(MemoryPoolMXBean::resetPeakUsage);
    }

    /** The sum of the heap pools' peaks since the reset: an upper bound of the heap in use at any moment. */
    private static long peakHeapUsed() {
        return heapPools().stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
    }

    /** From the Maven metadata S3Proxy's jar carries (the shaded jar's own manifest names this project). */
    private static String s3ProxyVersion() {
        try (var in = S3Proxy.class.getResourceAsStream("/META-INF/maven/org.gaul/s3proxy/pom.properties")) {
            java.util.Properties properties = new java.util.Properties();
            if (in != null) {
                properties.load(in);
            }
            return properties.getProperty("version", "(unknown version)");
        } catch (java.io.IOException e) {
            return "(unknown version)";
        }
    }

    private static void print(List<Row> rows) {
        System.out.printf("java %s, %d cores, max heap %d MiB; S3Proxy %s in-process (transient in-memory store), "
                        + "%d state files of %d KiB + _metadata per checkpoint, %d rounds per size%n%n",
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() / (1024 * 1024), s3ProxyVersion(),
                STATE_FILES, STATE_FILE_BYTES / 1024, ROUNDS);
        System.out.println("| objects in shared/ | seeding | promote (median) | promote (each round) | requests of one promote "
                + "| total requests | heap growth during promote | files copied |");
        System.out.println("|---:|---:|---:|---|---|---:|---:|---:|");
        for (Row row : rows) {
            System.out.printf("| %,d | %.1f s | %d ms | %s | %s | %d | %.1f MiB | %d |%n", row.shared(),
                    row.seeding().toMillis() / 1000.0, row.promoteMedian().toMillis(),
                    String.join(", ", row.promotes().stream().map(d -> d.toMillis() + " ms").toList()),
                    String.join(", ", row.requests().entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).toList()),
                    row.requests().values().stream().mapToLong(Long::longValue).sum(),
                    row.heapGrowthBytes() / (1024.0 * 1024), row.filesCopied());
        }
    }
}
