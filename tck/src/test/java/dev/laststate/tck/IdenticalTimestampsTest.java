package dev.laststate.tck;

import static dev.laststate.tck.CheckpointTree.JOB;
import static org.assertj.core.api.Assertions.assertThat;

import dev.laststate.flink.FlinkLayout;
import dev.laststate.flink.PromotionRequest;
import dev.laststate.flink.PromotionResult;
import dev.laststate.flink.Promoter;
import dev.laststate.store.StoreUri;
import dev.laststate.store.file.FileCheckpointStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * chk-9, chk-10 and chk-12 whose files all carry the same timestamp (as when a shell job sorts
 * `ls` output by time to the second), plus an incomplete chk-13: chk-12 is promoted, whole.
 */
class IdenticalTimestampsTest {

    @TempDir
    Path temp;

    @Test
    void checkpointTwelveIsPromotedWithAllItsFiles() throws Exception {
        FileCheckpointStore store = new FileCheckpointStore();
        StoreUri root = StoreUri.ofLocalPath(temp.toString());
        CheckpointTree tree = new CheckpointTree(store, root);
        tree.checkpoint(JOB, 9, 2);
        tree.checkpoint(JOB, 10, 2);
        tree.checkpoint(JOB, 12, 3);
        tree.incompleteCheckpoint(JOB, 13, 3);
        FileTime same = FileTime.from(Instant.parse("2026-01-01T00:00:00Z"));
        try (Stream<Path> files = Files.walk(temp)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Files.setLastModifiedTime(file, same);
            }
        }

        PromotionResult result = new Promoter(store).promote(PromotionRequest.of(root, JOB));

        assertThat(result.snapshot().checkpointId()).hasValue(12);
        Path target = temp.resolve(FlinkLayout.DEFAULT_TARGET);
        for (String name : CheckpointTree.fileNames(JOB, 12, 3)) {
            assertThat(target.resolve(name)).hasSameBinaryContentAs(temp.resolve(JOB).resolve("chk-12").resolve(name));
        }
        try (Stream<Path> promoted = Files.list(target)) {
            assertThat(promoted.filter(Files::isRegularFile).map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrderElementsOf(withRecord(CheckpointTree.fileNames(JOB, 12, 3)));
        }
    }

    private static java.util.List<String> withRecord(java.util.List<String> names) {
        java.util.List<String> all = new java.util.ArrayList<>(names);
        all.add(FlinkLayout.POINTER_RECORD);
        return all;
    }
}
