package dev.laststate.store.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.laststate.store.ObjectContent;
import dev.laststate.store.StoreException;
import dev.laststate.store.StoreUri;
import dev.laststate.store.WriteCondition;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Temporary files left by killed writers, and objects too large for memory. */
class FileCheckpointStoreHousekeepingTest {

    @TempDir
    Path temp;

    private StoreUri uri(Path path) {
        return StoreUri.ofLocalPath(path.toString());
    }

    private static Path tempFile(Path directory, Duration age) throws Exception {
        Path file = Files.writeString(directory.resolve(FileCheckpointStore.RESERVED_PREFIX + "tmp-" + UUID.randomUUID()), "partial");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(age)));
        return file;
    }

    @Test
    void aWriteRemovesAbandonedTemporaryFilesAndKeepsFreshOnes() throws Exception {
        Path dir = Files.createDirectories(temp.toRealPath().resolve("last-state"));
        Path abandoned = tempFile(dir, Duration.ofHours(2));
        Path inProgress = tempFile(dir, Duration.ZERO);

        new FileCheckpointStore().write(uri(dir.resolve("_metadata")), new byte[] {1}, WriteCondition.overwrite());

        assertThat(abandoned).doesNotExist();
        assertThat(inProgress).exists();
    }

    @Test
    void aCopyRemovesAbandonedTemporaryFilesOfItsTargetDirectory() throws Exception {
        Path root = temp.toRealPath();
        Path dir = Files.createDirectories(root.resolve("last-state"));
        Files.writeString(root.resolve("source"), "s");
        Path abandoned = tempFile(dir, Duration.ofHours(2));

        FileCheckpointStore store = new FileCheckpointStore();
        store.copy(store.stat(uri(root.resolve("source"))).orElseThrow(), uri(dir.resolve("copy")));

        assertThat(abandoned).doesNotExist();
        assertThat(dir.resolve("copy")).hasContent("s");
    }

    @Test
    void eachInstanceSweepsADirectoryOnlyOnce() throws Exception {
        Path dir = Files.createDirectories(temp.toRealPath().resolve("last-state"));
        FileCheckpointStore store = new FileCheckpointStore();
        store.write(uri(dir.resolve("a")), new byte[] {1}, WriteCondition.overwrite());
        Path abandonedLater = tempFile(dir, Duration.ofHours(2));

        store.write(uri(dir.resolve("b")), new byte[] {1}, WriteCondition.overwrite());
        assertThat(abandonedLater).as("no second scan by the same instance").exists();

        new FileCheckpointStore().write(uri(dir.resolve("c")), new byte[] {1}, WriteCondition.overwrite());
        assertThat(abandonedLater).as("a new instance scans again").doesNotExist();
    }

    @Test
    void onlyTheStoresOwnTemporaryFilesAreRemoved() throws Exception {
        Path dir = Files.createDirectories(temp.toRealPath().resolve("last-state"));
        Path notOurs = Files.writeString(dir.resolve(FileCheckpointStore.RESERVED_PREFIX + "tmp-user-file"), "x");
        Files.setLastModifiedTime(notOurs, FileTime.from(Instant.now().minus(Duration.ofDays(2))));

        new FileCheckpointStore().write(uri(dir.resolve("a")), new byte[] {1}, WriteCondition.overwrite());

        assertThat(notOurs).exists();
    }

    @Test
    void readingAnObjectLargerThanAnArrayRefusesInsteadOfTruncating() throws Exception {
        Path big = temp.toRealPath().resolve("big");
        try (RandomAccessFile file = new RandomAccessFile(big.toFile(), "rw")) {
            file.setLength(3L << 30); // sparse: costs no disk
        }
        FileCheckpointStore store = new FileCheckpointStore();

        assertThatThrownBy(() -> store.read(uri(big)))
                .isExactlyInstanceOf(StoreException.class)
                .hasMessageContaining("too large to read into memory")
                .hasMessageContaining(uri(big).toString());
        ObjectContent head = store.read(uri(big), 16);
        assertThat(head.bytes()).hasSize(16);
        assertThat(head.truncated()).isTrue();
    }
}
