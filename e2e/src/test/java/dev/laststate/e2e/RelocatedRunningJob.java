package dev.laststate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.laststate.e2e.LastStateCli.Run;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.flink.core.execution.JobClient;

/**
 * The relocated promotion of a running job, on any store: the counter job runs (incremental, so its checkpoints
 * reference state outside their own {@code chk-n/}), {@code laststate promote} promotes it five times while it
 * runs, each a few checkpoints after the one before; the test waits until Flink itself deleted a source file the
 * last promotion copied (a {@code --no-relocate} copy would now be broken), cancels the job, deletes its whole job
 * directory, and restores twice from {@code last-state} (NO_CLAIM): every counter continues, and {@code last-state}
 * is byte for byte what it was.
 *
 * <p>What varies is where the checkpoints live and how the test itself looks there ({@link Storage}): never through
 * laststate. A file-merging checkpoint references ranges (segments) of shared physical files; the record's
 * {@code relocated} entries name the physical file (by its directory and name) and the range ({@code [name, offset,
 * length]}), so a "source" here is always a physical file, and "gone" means those bytes are gone.
 */
final class RelocatedRunningJob {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PROMOTIONS = 5;

    /** Where a test's checkpoints live, and the test's own look at them (never laststate's). */
    interface Storage {
        /** The jobs' checkpoint directory, and the store laststate promotes in; new for each test. */
        URI checkpoints();

        /** {@link #checkpoints()} as the cli's {@code --store} takes it. */
        default String store() {
            return checkpoints().toString();
        }

        /** The newest complete checkpoint (a {@code chk-n} with {@code _metadata}) in {@code jobDir}. */
        OptionalLong latestCheckpoint(URI jobDir);

        /** Whether the file exists. */
        boolean exists(URI file);

        /** Every file below {@code dir}: its name relative to {@code dir}, and its size. */
        Map<String, Long> files(URI dir) throws IOException;

        byte[] read(URI file) throws IOException;

        void deleteRecursively(URI dir) throws IOException;

        /** The laststate cli, with what this store needs (options, environment) added. */
        Run laststate(String... args);
    }

    /**
     * What the scenario saw.
     *
     * @param jobId the promoted job
     * @param lastPromoted the checkpoint id in {@code last-state}, restored twice
     * @param lastPieces the last promotion's relocated pieces (files and segments)
     * @param lastSegments how many of them were file-merging segments ([name, offset, length] in the record)
     * @param lastSources the distinct physical files those pieces came from, outside their checkpoint directory
     * @param lastSourcesDeleted how many of those Flink had deleted before the job directory was removed
     */
    record Result(String jobId, long lastPromoted, int lastPieces, int lastSegments, Set<String> lastSources, long lastSourcesDeleted) {}

    private RelocatedRunningJob() {}

    /** Runs the scenario on {@code storage}; {@code name} prefixes the Flink runs (unique in this JVM). */
    static Result run(FlinkCluster flink, Storage storage, String name) throws Exception {
        URI checkpoints = storage.checkpoints();
        URI lastState = child(checkpoints, "last-state");
        JobClient running = flink.start(name, checkpoints, Optional.empty(), false, 1);
        String jobId = running.getJobID().toString();
        URI jobDir = child(checkpoints, jobId);
        awaitCheckpoint(storage, jobDir, 2);

        // Five promotions while the job runs, each a few checkpoints after the one before.
        Set<String> promotedSources = new LinkedHashSet<>();
        Set<String> lastSources = Set.of();
        long promoted = 0;
        int lastPieces = 0;
        int lastSegments = 0;
        long copiedAfterFirst = 0;
        long filesAfterFirst = 0;
        for (int promotion = 1; promotion <= PROMOTIONS; promotion++) {
            awaitCheckpoint(storage, jobDir, storage.latestCheckpoint(jobDir).orElse(0) + 3);
            Run run = storage.laststate("promote", "--store", storage.store(), "--job-id", jobId);
            // Where copying a checkpoint takes longer than Flink takes to subsume it (the MiniDFSCluster, 150 ms
            // checkpoints, the first promotion copying everything), every attempt of a run can be outrun and the run
            // gives up, committing nothing (exit 4); the next run, as a cron job's or watch's, tries again.
            for (int again = 0; again < 4 && run.exitCode() == 4 && run.err().contains("gave up after"); again++) {
                System.out.printf("MEASURED %s promotion %d gave up (every attempt outrun by Flink), run again: %s%n",
                        name, promotion, run.err().strip());
                run = storage.laststate("promote", "--store", storage.store(), "--job-id", jobId);
            }
            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.out()).startsWith("PROMOTED checkpoint ");
            String line = run.outLines().get(0);
            long id = Long.parseLong(line.replaceFirst("^PROMOTED checkpoint (\\d+) .*", "$1"));
            assertThat(id).as("promotion %d", promotion).isGreaterThan(promoted);
            promoted = id;

            JsonNode record = JSON.readTree(storage.read(child(lastState, "_laststate.json")));
            assertThat(record.get("checkpointId").asLong()).as(record.toString()).isEqualTo(id);
            String ownDirectory = key(child(jobDir, "chk-" + id));
            Set<String> sources = new LinkedHashSet<>();
            int pieces = 0;
            int segments = 0;
            // The record names each relocated piece by its source: a directory, then [name, length] for a whole file
            // and [name, offset, length] for a segment of a physical file.
            for (JsonNode group : record.get("relocated")) {
                String directory = key(URI.create(group.get("directory").asText()));
                for (JsonNode piece : group.get("files")) {
                    pieces++;
                    if (piece.size() == 3) {
                        segments++;
                    }
                    String source = directory + "/" + piece.get(0).asText();
                    if (source.startsWith(key(jobDir) + "/") && !source.startsWith(ownDirectory + "/")) {
                        sources.add(source);
                    }
                }
            }
            assertThat(sources).as("checkpoint %d references state outside %s (incremental)", id, ownDirectory).isNotEmpty();
            promotedSources.addAll(sources);
            lastSources = sources;
            lastPieces = pieces;
            lastSegments = segments;
            if (promotion > 1) {
                filesAfterFirst += Long.parseLong(line.replaceFirst("^.*: (\\d+) files, (\\d+) bytes.*", "$1"));
                copiedAfterFirst += Long.parseLong(line.replaceFirst("^.*: (\\d+) files, (\\d+) bytes.*", "$2"));
            }
            System.out.printf("MEASURED %s promotion %d of a running job: %s (%d pieces, %d segments, from %d files"
                    + " outside chk-%d)%n", name, promotion, line, pieces, segments, sources.size(), id);
        }
        Run verify = storage.laststate("verify", "--store", storage.store());
        assertThat(verify.exitCode()).as(verify.toString()).isZero();
        assertThat(verify.outLines().get(0)).startsWith("RESTORABLE checkpoint " + promoted).contains(" 0 absolute)");

        // Flink deletes the files no retained checkpoint needs: one the promoted generation copied is among them,
        // or this scenario would prove nothing about relocation (a copy that still points at them would restore too).
        Set<String> needed = lastSources;
        FlinkCluster.await("Flink to delete a file checkpoint " + promoted + " in last-state was copied from",
                () -> needed.stream().anyMatch(s -> !storage.exists(URI.create(s))));
        Set<String> lastGone = new LinkedHashSet<>(needed.stream().filter(s -> !storage.exists(URI.create(s))).toList());
        long lastDeleted = lastGone.size();
        Map<String, Long> goneBelow = new TreeMap<>();
        for (String gone : lastGone) {
            goneBelow.merge(gone.substring(key(jobDir).length() + 1).replaceFirst("/.*", "/"), 1L, Long::sum);
        }
        long allDeleted = promotedSources.stream().filter(s -> !storage.exists(URI.create(s))).count();
        FlinkCluster.cancel(running);
        storage.deleteRecursively(jobDir);
        assertThat(storage.latestCheckpoint(jobDir)).as("the job directory is gone").isEmpty();
        assertThat(storage.files(jobDir)).as("the job directory is gone").isEmpty();
        System.out.printf("MEASURED %s: Flink deleted %d of the %d files outside chk-%d that last-state was copied from"
                + " (%s), and %d of the %d of all five promotions, while the job ran; promotions 2-5 copied %d files,"
                + " %d bytes; job directory deleted%n", name, lastDeleted, needed.size(), promoted, goneBelow, allDeleted,
                promotedSources.size(), filesAfterFirst, copiedAfterFirst);

        Map<String, Long> before = storage.files(lastState);
        Scenarios.assertRestoresAndContinues(flink, name + "-restored", checkpoints, lastState, promoted);
        Scenarios.assertRestoresAndContinues(flink, name + "-restored-again", checkpoints, lastState, promoted);
        assertThat(storage.files(lastState)).as("the restores left last-state as it was").isEqualTo(before);
        return new Result(jobId, promoted, lastPieces, lastSegments, needed, lastDeleted);
    }

    /** Checkpoints in a local directory, looked at with {@code java.nio}. */
    static Storage local(Path checkpoints, LastStateCli laststate) {
        return new Storage() {
            @Override
            public URI checkpoints() {
                return URI.create("file://" + checkpoints.toAbsolutePath());
            }

            @Override
            public String store() {
                return checkpoints.toString();
            }

            @Override
            public OptionalLong latestCheckpoint(URI jobDir) {
                return FlinkCluster.latestCheckpoint(Path.of(jobDir.getPath()));
            }

            @Override
            public boolean exists(URI file) {
                return Files.exists(Path.of(file.getPath()));
            }

            @Override
            public Map<String, Long> files(URI dir) throws IOException {
                Path root = Path.of(dir.getPath());
                Map<String, Long> sizes = new TreeMap<>();
                if (!Files.isDirectory(root)) {
                    return sizes;
                }
                try (Stream<Path> files = Files.walk(root)) {
                    for (Path file : files.filter(Files::isRegularFile).toList()) {
                        sizes.put(root.relativize(file).toString(), Files.size(file));
                    }
                }
                return sizes;
            }

            @Override
            public byte[] read(URI file) throws IOException {
                return Files.readAllBytes(Path.of(file.getPath()));
            }

            @Override
            public void deleteRecursively(URI dir) throws IOException {
                FlinkCluster.deleteRecursively(Path.of(dir.getPath()));
            }

            @Override
            public Run laststate(String... args) {
                return laststate.run(args);
            }
        };
    }

    static URI child(URI dir, String name) {
        String base = dir.toString();
        return URI.create(base.endsWith("/") ? base + name : base + "/" + name);
    }

    /**
     * A location as {@code scheme://authority/path}, without a trailing slash: Flink writes {@code file:/tmp/x},
     * laststate's record {@code file:///tmp/x}, a local directory's URI may end in a slash.
     */
    static String key(URI uri) {
        String path = uri.getPath().replaceAll("/+$", "");
        return uri.getScheme() + "://" + (uri.getAuthority() == null ? "" : uri.getAuthority()) + path;
    }

    private static void awaitCheckpoint(Storage storage, URI jobDir, long id) {
        FlinkCluster.await("a checkpoint >= " + id + " in " + jobDir, () -> storage.latestCheckpoint(jobDir).orElse(0) >= id);
    }
}
