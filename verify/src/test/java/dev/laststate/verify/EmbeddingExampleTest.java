package dev.laststate.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.laststate.flink.FlinkLayout;
import dev.laststate.flink.LastState;
import dev.laststate.flink.LastStateReader;
import dev.laststate.flink.PromotionRequest;
import dev.laststate.flink.PromotionResult;
import dev.laststate.flink.Promoter;
import dev.laststate.flink.Snapshot;
import dev.laststate.flink.SnapshotFinder;
import dev.laststate.job.JobInfo;
import dev.laststate.job.StorageScanJobSource;
import dev.laststate.store.CheckpointStore;
import dev.laststate.store.CheckpointStores;
import dev.laststate.store.StoreUri;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedding example that {@code api/README.md} shows ("Embedding laststate"), run as it is printed there:
 * open a store through the registry, find the job and its newest snapshot, promote it and verify the result,
 * on a copy of the repository's {@code examples/checkpoints} tree (written by a real Flink 2.3.0 job).
 * {@link #theReadmeShowsExactlyTheseLines()} keeps the README's lines and these identical.
 */
class EmbeddingExampleTest {

    private static final Path README = Path.of("../api/README.md");
    private static final Path SOURCE = Path.of("src/test/java/dev/laststate/verify/EmbeddingExampleTest.java");
    private static final String BEGIN = "// ---8<--- api/README.md";
    private static final String END = "// --->8---";

    @TempDir
    Path temp;

    @Test
    void theReadmeExamplePromotesAndVerifiesTheNewestCheckpoint() throws Exception {
        String checkpointDir = copyTree(Path.of("../examples/checkpoints"), temp.resolve("checkpoints")).toString();
        // What the tree holds, read from the file system: ExamplesIT may regenerate it with new job ids.
        Path newestMetadata = newestCompleteCheckpoint(Path.of(checkpointDir));

        // ---8<--- api/README.md
        StoreUri checkpoints = StoreUri.parse(checkpointDir);         // as Flink's execution.checkpointing.dir says
        try (CheckpointStore store = CheckpointStores.load().open(checkpoints, Map.of(), System.getenv())) {
            JobInfo job = new StorageScanJobSource(store, checkpoints).job();   // or new StaticJobSource(jobId).job()
            Snapshot newest = new SnapshotFinder(store).newest(checkpoints, Optional.empty(), job.jobId()).orElseThrow();
            PromotionResult promoted = new Promoter(store).promote(
                    PromotionRequest.builder(checkpoints, job.jobId()).lineage(job.lineage()).build());
            Verification verified = new SnapshotVerifier(store).verify(promoted.target());
            System.out.println(promoted.status() + " " + newest.describe() + " -> " + promoted.target()
                    + (verified.restorable() ? ": restorable" : ": missing " + verified.missing()));
        }
        // --->8---

        // What the lines above did, read back through a store of their own.
        StoreUri target = StoreUri.ofLocalPath(checkpointDir).resolve(FlinkLayout.DEFAULT_TARGET);
        try (CheckpointStore store = CheckpointStores.load().open(target, Map.of(), Map.of())) {
            LastState state = new LastStateReader(store).read(target).orElseThrow();
            assertThat(state.consistent()).isTrue();
            assertThat(state.record().current().jobId()).isEqualTo(newestMetadata.getParent().getParent().getFileName().toString());
            assertThat(state.record().current().checkpointId())
                    .hasValue(Long.parseLong(newestMetadata.getParent().getFileName().toString().substring("chk-".length())));
            Verification verification = new SnapshotVerifier(store).verify(target);
            assertThat(verification.restorable()).isTrue();
            assertThat(verification.files()).isNotEmpty().allSatisfy(file -> assertThat(file.relative()).isTrue());
        }
    }

    @Test
    void theReadmeShowsExactlyTheseLines() throws IOException {
        List<String> readme = Files.readAllLines(README);
        int heading = readme.indexOf("## Embedding laststate");
        assertThat(heading).as("the section of %s", README).isNotNegative();
        int open = readme.subList(heading, readme.size()).indexOf("```java") + heading;
        int close = readme.subList(open + 1, readme.size()).indexOf("```") + open + 1;

        assertThat(readme.subList(open + 1, close)).isEqualTo(marked(Files.readAllLines(SOURCE)));
    }

    /** The lines between the markers, without the indentation of the first. */
    private static List<String> marked(List<String> source) {
        int begin = -1;
        for (int i = 0; i < source.size(); i++) {
            if (source.get(i).strip().equals(BEGIN)) {
                begin = i;
                break;
            }
        }
        assertThat(begin).as("the opening marker").isNotNegative();
        String first = source.get(begin + 1);
        int indent = first.length() - first.stripLeading().length();
        List<String> lines = new ArrayList<>();
        for (String line : source.subList(begin + 1, source.size())) {
            if (line.strip().equals(END)) {
                return lines;
            }
            lines.add(line.length() >= indent ? line.substring(indent) : line.strip());
        }
        throw new AssertionError("no closing marker " + END + " in " + SOURCE);
    }

    /** The {@code _metadata} of the complete {@code <job>/chk-<n>} with the highest id; the tree has one such job. */
    private static Path newestCompleteCheckpoint(Path checkpoints) throws IOException {
        try (Stream<Path> paths = Files.walk(checkpoints, 3)) {
            List<Path> complete = paths.filter(p -> p.getFileName().toString().equals(FlinkLayout.METADATA))
                    .filter(p -> p.getParent().getFileName().toString().startsWith("chk-"))
                    .sorted(Comparator.comparingLong(p -> Long.parseLong(p.getParent().getFileName().toString().substring(4))))
                    .toList();
            assertThat(complete).as("complete checkpoints in %s", checkpoints).isNotEmpty();
            return complete.get(complete.size() - 1);
        }
    }

    private static Path copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path path : paths.toList()) {
                Path copy = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(copy);
                } else {
                    Files.copy(path, copy);
                }
            }
        }
        return to;
    }
}
