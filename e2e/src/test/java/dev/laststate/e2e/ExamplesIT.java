package dev.laststate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.laststate.e2e.LastStateCli.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.junit.jupiter.api.Test;

/**
 * The example tree in {@code examples/}: made by a real job, and proven restorable. Each run generates a fresh
 * tree, promotes it, verifies it and restores a job from it; it also verifies the committed tree with the cli.
 * With {@code -Dlaststate.examples.write=true} the fresh tree replaces {@code examples/checkpoints},
 * {@code examples/savepoints} and {@code examples/README.md}.
 */
class ExamplesIT extends FlinkClusterTest {

    @Test
    void generatedTreePromotesVerifiesAndRestores() throws Exception {
        // The tree is this test's directory: checkpoints/, savepoints/ and README.md.
        Path tree = dir;
        Path savepoints = tree.resolve("savepoints");

        // An older job: its last checkpoint, made incomplete by removing _metadata (crafted).
        FlinkCluster.StoppedJob older = flink.checkpointThenCancel("examples-older", checkpoints, 2);
        String olderId = older.jobId();
        long olderChk = older.lastCheckpoint();
        Files.delete(checkpoints.resolve(olderId).resolve("chk-" + olderChk).resolve("_metadata"));

        // The current job: checkpoints, a savepoint taken between them, then cancelled (its last checkpoint retained).
        JobClient current = flink.start("examples-current", checkpoints, Optional.empty(), false, 2);
        String currentId = current.getJobID().toString();
        Path jobDir = checkpoints.resolve(currentId);
        FlinkCluster.awaitCheckpoint(jobDir, 2);
        String savepoint = current.triggerSavepoint(savepoints.toUri().toString(), SavepointFormatType.CANONICAL).get();
        long beforeCancel = FlinkCluster.latestCheckpoint(jobDir).orElseThrow();
        FlinkCluster.awaitCheckpoint(jobDir, beforeCancel + 2);
        FlinkCluster.cancel(current);
        List<Long> complete = completeCheckpoints(jobDir);
        long newest = complete.get(complete.size() - 1);
        // A checkpoint in progress: the newest one's state files without _metadata (crafted).
        Path inProgress = Files.createDirectories(jobDir.resolve("chk-" + (newest + 1)));
        try (Stream<Path> files = Files.list(jobDir.resolve("chk-" + newest))) {
            for (Path file : files.filter(f -> !f.getFileName().toString().equals("_metadata")).toList()) {
                Files.copy(file, inProgress.resolve(file.getFileName()));
            }
        }
        keepEmptyDirectories(checkpoints);
        String savepointName = Path.of(java.net.URI.create(savepoint)).getFileName().toString();
        Files.writeString(tree.resolve("README.md"), readme(olderId, olderChk, currentId, complete, newest + 1, savepointName));

        // README.md's first command, on a copy: the storage scan finds the current job and its newest checkpoint.
        Path copy = copyTree(checkpoints, dir.resolve("copy"));
        Run promote = laststate.run("promote", "--store", copy.toString(), "--verify");
        assertThat(promote.exitCode()).as(promote.toString()).isZero();
        assertThat(promote.outLines().get(0)).startsWith("PROMOTED checkpoint " + newest + " of job " + currentId);
        assertThat(promote.outLines().get(1)).startsWith("RESTORABLE checkpoint " + newest);
        Scenarios.assertRestoresAndContinues(flink, "examples-restored", copy, copy.resolve("last-state"), newest);

        if (Boolean.getBoolean("laststate.examples.write")) {
            Path examples = examplesDir();
            for (String part : List.of("checkpoints", "savepoints")) {
                FlinkCluster.deleteRecursively(examples.resolve(part));
                copyTree(tree.resolve(part), examples.resolve(part));
            }
            Files.copy(tree.resolve("README.md"), examples.resolve("README.md"), StandardCopyOption.REPLACE_EXISTING);
            System.out.println("MEASURED wrote a new example tree to " + examples);
        }
    }

    /** The committed tree: README.md's first command promotes it, and the promoted state verifies. */
    @Test
    void committedTreeIsRestorable() throws Exception {
        copyTree(examplesDir().resolve("checkpoints"), checkpoints);

        Run promote = laststate.run("promote", "--store", checkpoints.toString(), "--verify");

        assertThat(promote.exitCode()).as(promote.toString()).isZero();
        assertThat(promote.outLines().get(1)).startsWith("RESTORABLE checkpoint ");
    }

    private static Path examplesDir() {
        return Path.of(System.getProperty("examples.dir", "../examples")).toAbsolutePath().normalize();
    }

    private static List<Long> completeCheckpoints(Path jobDir) throws IOException {
        try (Stream<Path> entries = Files.list(jobDir)) {
            return entries.filter(p -> p.getFileName().toString().matches("chk-\\d+"))
                    .filter(p -> Files.isRegularFile(p.resolve("_metadata")))
                    .map(p -> Long.parseLong(p.getFileName().toString().substring(4)))
                    .sorted().toList();
        }
    }

    /** Git keeps no empty directory: Flink's empty shared/ and taskowned/ get a .keep file. */
    private static void keepEmptyDirectories(Path root) throws IOException {
        try (Stream<Path> dirs = Files.walk(root)) {
            for (Path d : dirs.filter(Files::isDirectory).toList()) {
                try (Stream<Path> children = Files.list(d)) {
                    if (children.findAny().isEmpty()) {
                        Files.createFile(d.resolve(".keep"));
                    }
                }
            }
        }
    }

    private static Path copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p : paths.sorted(Comparator.naturalOrder()).toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        return to;
    }

    private static String readme(String olderId, long olderChk, String currentId, List<Long> complete, long inProgress,
                                 String savepoint) {
        String chks = String.join(" ", complete.stream().map(id -> "chk-" + id + "/").toList());
        return """
                # Example checkpoint tree

                A small tree written by a real Flink %s job (the e2e module's counter job: a counter source, keyed
                per-key counters, hashmap state backend, inline threshold 0 so every state handle is a file), for
                trying laststate without a Flink cluster:

                ```
                checkpoints/
                  %s/   an older job that never completed a checkpoint (chk-%d has no _metadata)
                  %s/   the current job
                    %s            complete: state files, then _metadata
                    chk-%d/                         in progress: no _metadata yet
                    shared/ taskowned/              never listed by laststate
                savepoints/
                  %s/      a savepoint of the current job
                ```

                Two parts are crafted from real files: the older job is a real job whose last checkpoint had its
                `_metadata` removed, and `chk-%d` is a copy of the newest checkpoint's state files without
                `_metadata`. Empty directories hold a `.keep` file, since git keeps no empty directory.
                `laststate promote` on this tree picks the current job by the storage scan (the only job directory
                with a complete checkpoint) and promotes `chk-%d` with all of its files; `laststate verify` then
                reads its `_metadata` with Flink's classes and finds every file. Copy the tree somewhere first so
                the checkout stays clean (README.md's first command does).

                Regenerate it (new job ids; this file is rewritten too):

                ```
                mvn -B -pl e2e -am verify -Dit.test=ExamplesIT -Dlaststate.examples.write=true
                ```
                """.formatted(System.getProperty("flink.e2e.version", "2.3.0"), olderId, olderChk, currentId, chks,
                inProgress, savepoint, inProgress, complete.get(complete.size() - 1));
    }
}
