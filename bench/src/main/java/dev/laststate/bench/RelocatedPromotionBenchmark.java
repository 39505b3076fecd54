package dev.laststate.bench;

import dev.laststate.flink.FlinkLayout;
import dev.laststate.flink.PromotionRequest;
import dev.laststate.flink.PromotionResult;
import dev.laststate.flink.PromotionStatus;
import dev.laststate.flink.Promoter;
import dev.laststate.flink.RelocatedNames;
import dev.laststate.s3.S3CheckpointStoreProvider;
import dev.laststate.s3.S3ProxyServer;
import dev.laststate.s3.S3StoreConfig;
import dev.laststate.store.CheckpointStore;
import dev.laststate.store.Listing;
import dev.laststate.store.StoreException;
import dev.laststate.store.StoreUri;
import dev.laststate.store.file.FileCheckpointStore;
import dev.laststate.verify.FlinkSnapshotRelocator;
import dev.laststate.verify.SnapshotVerifier;
import dev.laststate.verify.Verification;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Relocated, incremental promotion of a RocksDB-shaped state of about 1 GiB ({@link SyntheticRocksDbJob}: Flink's
 * layout and Flink's own {@code _metadata} serializer, synthetic files), on the local file store and on an in-process
 * S3Proxy. Per shape of {@code shared/} (default: 256 SSTs of 4 MiB, and 2,560 of 416 KiB), the first checkpoint is
 * promoted (everything copied), then a sequence of checkpoints each replacing a few SSTs with new 4 MiB ones (default
 * 2, 3, 4, 2, 3) is promoted one by one with a {@link Promoter} relocating through {@link FlinkSnapshotRelocator}.
 *
 * <p>Each promotion reports what it copied ({@link PromotionResult#bytesCopied()}, {@link PromotionResult#filesCopied()})
 * beside what Flink uploaded for that checkpoint (its new SSTs, private files and {@code _metadata}: the physical floor
 * of an incremental copy), the bytes of laststate's own records (pending and pointer record), the requests (S3 HTTP
 * requests by operation; on the file store, the store's calls) and the wall time. Each run ends by verifying the
 * target with {@link SnapshotVerifier}: restorable, self-contained (every file it references lies in the target),
 * and holding the current and previous generations' state files, nothing else.
 *
 * <p>Run: {@code java -Xmx6g -jar bench/target/laststate-bench.jar relocated [file,s3] [256x4096,2560x416] [2,3,4,2,3]}
 * (shapes are SST count x KiB). Not a test: nothing runs it during {@code mvn verify}.
 */
public final class RelocatedPromotionBenchmark {

    private static final String JOB = "0c4e5eed00000000000000000000beef";
    private static final String BUCKET = "bench";
    /** The size of the SSTs each later checkpoint adds, in every shape: the same change over any number of unchanged files. */
    static final int CHANGE_SST_BYTES = 4 * 1024 * 1024;
    private static final int S3_MAX_CONCURRENCY = 16;

    private RelocatedPromotionBenchmark() {}

    /** {@code files} shared SSTs of {@code fileBytes} each in the first checkpoint. */
    record Shape(int files, int fileBytes) {
        static Shape parse(String text) {
            String[] parts = text.strip().toLowerCase().split("x");
            return new Shape(Integer.parseInt(parts[0].replace("_", "")), Integer.parseInt(parts[1].replace("_", "")) * 1024);
        }

        String describe() {
            return String.format("%,d shared SSTs x %s", files, size(fileBytes));
        }
    }

    /** One promotion. */
    record Row(long checkpoint, int newSsts, int uploadedFiles, long uploadedBytes, long bytesCopied, long filesCopied,
               long recordBytes, Map<String, Long> requests, Duration wall) {
        double ratio() {
            return (double) bytesCopied / uploadedBytes;
        }

        /** With laststate's own records counted as written bytes too. */
        double ratioWithRecords() {
            return (double) (bytesCopied + recordBytes) / uploadedBytes;
        }

        long totalRequests() {
            return requests.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /** One store and shape: its promotions and the final verification. */
    record Run(String store, Shape shape, long stateFiles, long stateBytes, Duration seeding, List<Row> rows,
               int referencedFiles, int expectedReferencedFiles, boolean restorable, boolean selfContained, long stateObjects,
               long expectedStateObjects, long heapUsedAtEnd) {
        boolean correct() {
            return restorable && selfContained && referencedFiles == expectedReferencedFiles && stateObjects == expectedStateObjects;
        }
    }

    public static void main(String[] args) throws Exception {
        List<String> stores = List.of((args.length > 0 ? args[0] : "file,s3").split(","));
        List<Shape> shapes = Arrays.stream((args.length > 1 ? args[1] : "256x4096,2560x416").split(",")).map(Shape::parse).toList();
        int[] changes = Arrays.stream((args.length > 2 ? args[2] : "2,3,4,2,3").split(","))
                .mapToInt(s -> Integer.parseInt(s.strip())).toArray();
        double loadBefore = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        List<Run> runs = new ArrayList<>();
        for (String store : stores) {
            for (Shape shape : shapes) {
                System.err.printf("%s, %s ...%n", store, shape.describe());
                Run run = switch (store.strip()) {
                    case "file" -> onFileStore(shape, changes);
                    case "s3" -> onS3Proxy(shape, changes);
                    default -> throw new IllegalArgumentException("unknown store '" + store + "' (file or s3)");
                };
                runs.add(run);
                printRun(run);
            }
        }
        double loadAfter = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        printSummary(runs, loadBefore, loadAfter);
        if (!runs.stream().allMatch(Run::correct)) {
            System.err.println("VERIFICATION FAILED for at least one run (see above)");
            System.exit(1);
        }
    }

    private static Run onFileStore(Shape shape, int[] changes) throws Exception {
        Path temp = Files.createTempDirectory("laststate-relocated-bench-");
        try (CheckpointStore store = new FileCheckpointStore()) {
            return run("file", store, Optional.empty(), StoreUri.ofLocalPath(temp.resolve("checkpoints").toString()), shape, changes);
        } finally {
            deleteTree(temp);
        }
    }

    private static Run onS3Proxy(Shape shape, int[] changes) throws Exception {
        // A fresh S3Proxy per run: its transient store holds every byte on the heap, source and target alike.
        try (S3ProxyServer proxy = S3ProxyServer.start()) {
            proxy.createBucket(BUCKET);
            S3RequestCounter counter = new S3RequestCounter();
            try (CheckpointStore store = new S3CheckpointStoreProvider().open(
                    Map.of(S3StoreConfig.ENDPOINT, proxy.endpoint().toString(), S3StoreConfig.REGION, "us-east-1",
                            S3StoreConfig.MAX_CONCURRENCY, Integer.toString(S3_MAX_CONCURRENCY)),
                    Map.of("AWS_ACCESS_KEY_ID", S3ProxyServer.ACCESS_KEY, "AWS_SECRET_ACCESS_KEY", S3ProxyServer.SECRET_KEY),
                    List.of(counter))) {
                return run("S3Proxy", store, Optional.of(counter), StoreUri.parse("s3://" + BUCKET + "/checkpoints"), shape, changes);
            }
        }
    }

    private static Run run(String name, CheckpointStore raw, Optional<S3RequestCounter> http, StoreUri checkpoints, Shape shape,
                           int[] changes) throws Exception {
        CountingStore counting = new CountingStore(raw);
        SyntheticRocksDbJob job = new SyntheticRocksDbJob(raw, checkpoints, JOB);
        Promoter promoter = new Promoter(counting).withRelocator(new FlinkSnapshotRelocator());
        PromotionRequest request = PromotionRequest.builder(checkpoints, JOB).build();
        StoreUri target = request.target();

        long seedStart = System.nanoTime();
        SyntheticRocksDbJob.Checkpoint checkpoint = job.first(shape.files(), shape.fileBytes());
        Duration seeding = Duration.ofNanos(System.nanoTime() - seedStart);
        long stateFiles = job.liveSstFiles();
        long stateBytes = job.liveSstBytes();

        List<Row> rows = new ArrayList<>();
        SyntheticRocksDbJob.Checkpoint previous = null;
        rows.add(promote(promoter, request, raw, counting, http, checkpoint));
        for (int change : changes) {
            previous = checkpoint;
            checkpoint = job.next(change, CHANGE_SST_BYTES);
            rows.add(promote(promoter, request, raw, counting, http, checkpoint));
            System.err.printf("  chk-%d promoted%n", checkpoint.id());
        }

        Verification verification = new SnapshotVerifier(raw).verify(target);
        boolean selfContained = verification.files().stream().allMatch(f -> target.contains(f.uri()));
        Set<String> expected = new HashSet<>();
        for (SyntheticRocksDbJob.Checkpoint kept : previous == null ? List.of(checkpoint) : List.of(checkpoint, previous)) {
            kept.referenced().forEach(uri -> expected.add(RelocatedNames.file(uri)));
        }
        long held = countObjects(raw, target.resolve(RelocatedNames.STATE_DIRECTORY));
        System.gc();
        long heapUsed = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
        return new Run(name, shape, stateFiles, stateBytes, seeding, rows, verification.files().size(),
                checkpoint.referenced().size(), verification.restorable(), selfContained, held, expected.size(), heapUsed);
    }

    private static Row promote(Promoter promoter, PromotionRequest request, CheckpointStore raw, CountingStore counting,
                               Optional<S3RequestCounter> http, SyntheticRocksDbJob.Checkpoint checkpoint) throws Exception {
        System.gc();
        counting.reset();
        http.ifPresent(S3RequestCounter::reset);
        PromotionResult result = promoter.promote(request);
        if (result.status() != PromotionStatus.PROMOTED || !result.snapshot().directory().equals(checkpoint.directory())) {
            throw new IllegalStateException("expected chk-" + checkpoint.id() + " PROMOTED, got " + result);
        }
        result.warnings().forEach(w -> System.err.println("  warning: " + w));
        Map<String, Long> requests = http.map(S3RequestCounter::counts).orElseGet(counting::counts);
        long metadata = raw.stat(request.target().resolve(FlinkLayout.METADATA)).orElseThrow().size();
        return new Row(checkpoint.id(), checkpoint.newSsts(), checkpoint.uploadedFiles(), checkpoint.uploadedBytes(),
                result.bytesCopied(), result.filesCopied(), counting.writtenBytes() - metadata, requests, result.duration());
    }

    private static long countObjects(CheckpointStore store, StoreUri directory) throws StoreException {
        Listing listing = store.list(directory);
        long count = listing.objects().size();
        for (String sub : listing.directories()) {
            count += countObjects(store, directory.resolve(sub));
        }
        return count;
    }

    static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    // ---------------------------------------------------------------- output

    private static void printRun(Run run) {
        System.out.printf("%n#### %s, %s (%s in %,d files), %d subtasks; first checkpoint written in %.1f s%n%n", run.store(),
                run.shape().describe(), size(run.stateBytes()), run.stateFiles(), SyntheticRocksDbJob.SUBTASKS,
                run.seeding().toMillis() / 1000.0);
        System.out.println("| checkpoint | new SSTs | Flink uploaded | bytes copied | files copied | copied / uploaded "
                + "| laststate's records | with records | " + (run.store().equals("file") ? "store calls" : "S3 requests") + " | total | wall time |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|");
        for (Row row : run.rows()) {
            System.out.printf("| chk-%d | %d | %s in %d files | %s | %d | %.3fx | %s | %.3fx | %s | %d | %s |%n", row.checkpoint(),
                    row.newSsts(), size(row.uploadedBytes()), row.uploadedFiles(), size(row.bytesCopied()), row.filesCopied(),
                    row.ratio(), size(row.recordBytes()), row.ratioWithRecords(),
                    String.join(", ", row.requests().entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).toList()),
                    row.totalRequests(), millis(row.wall()));
        }
        System.out.printf("%nVerified (SnapshotVerifier): %s, %s: `_metadata` references %,d files (the checkpoint's %,d%s); "
                        + "`last-state/state/` holds %,d objects, the current and previous generations' %,d%s. "
                        + "Heap in use at the end, after a GC: %s%n",
                run.restorable() ? "restorable" : "NOT RESTORABLE", run.selfContained() ? "self-contained" : "NOT SELF-CONTAINED",
                run.referencedFiles(), run.expectedReferencedFiles(),
                run.referencedFiles() == run.expectedReferencedFiles() ? "" : ": MISMATCH", run.stateObjects(), run.expectedStateObjects(),
                run.stateObjects() == run.expectedStateObjects() ? "" : " (MISMATCH)", size(run.heapUsedAtEnd()));
    }

    private static void printSummary(List<Run> runs, double loadBefore, double loadAfter) {
        System.out.printf("%n#### The same change over more unchanged files%n%n");
        System.out.printf("java %s, %d cores, max heap %,d MiB, load average %.1f before and %.1f after; S3Proxy in-process "
                        + "(transient in-memory store); copy concurrency %d (the API's default)%n%n",
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() / (1024 * 1024), loadBefore, loadAfter,
                PromotionRequest.builder(StoreUri.parse("s3://b/c"), JOB).build().copyConcurrency());
        System.out.println("| store | shared SSTs | first promotion | later promotions: median (each) | bytes copied (median) "
                + "| copied / uploaded (max) | requests (median) | laststate's records (median) |");
        System.out.println("|---|---|---:|---|---:|---:|---:|---:|");
        for (Run run : runs) {
            List<Row> later = run.rows().subList(1, run.rows().size());
            if (later.isEmpty()) {
                continue;
            }
            System.out.printf("| %s | %s | %s | %s (%s) | %s | %.3fx | %d | %s |%n", run.store(), run.shape().describe(),
                    millis(run.rows().get(0).wall()),
                    millis(Duration.ofNanos(median(later.stream().mapToLong(r -> r.wall().toNanos()).toArray()))),
                    String.join(", ", later.stream().map(r -> millis(r.wall())).toList()),
                    size(median(later.stream().mapToLong(Row::bytesCopied).toArray())),
                    later.stream().mapToDouble(Row::ratio).max().orElseThrow(),
                    median(later.stream().mapToLong(Row::totalRequests).toArray()),
                    size(median(later.stream().mapToLong(Row::recordBytes).toArray())));
        }
    }

    private static long median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static String millis(Duration d) {
        return d.toMillis() >= 10_000 ? String.format("%.1f s", d.toMillis() / 1000.0) : d.toMillis() + " ms";
    }

    static String size(long bytes) {
        if (bytes >= 1024L * 1024 * 1024) {
            return String.format("%.2f GiB", bytes / (1024.0 * 1024 * 1024));
        }
        if (bytes >= 1024L * 1024) {
            return String.format("%.2f MiB", bytes / (1024.0 * 1024));
        }
        if (bytes >= 1024) {
            return String.format("%.1f KiB", bytes / 1024.0);
        }
        return bytes + " B";
    }
}
