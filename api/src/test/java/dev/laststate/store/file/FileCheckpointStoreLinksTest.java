package dev.laststate.store.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.laststate.store.Listing;
import dev.laststate.store.ObjectInfo;
import dev.laststate.store.StoreException;
import dev.laststate.store.StoreUri;
import dev.laststate.store.WriteCondition;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Symbolic links are never followed: the layout is {@code target/link -> ../outside/} beside
 * {@code outside/victim.txt}, and nothing done through {@code target/} may reach {@code outside/}.
 */
class FileCheckpointStoreLinksTest {

    @TempDir
    Path temp;

    private Path root;
    private Path outside;
    private Path victim;
    private final FileCheckpointStore store = new FileCheckpointStore();

    @BeforeEach
    void layout() throws Exception {
        root = temp.toRealPath();
        outside = Files.createDirectories(root.resolve("outside"));
        victim = Files.writeString(outside.resolve("victim.txt"), "keep me");
        Files.createDirectories(root.resolve("target"));
        Files.createSymbolicLink(root.resolve("target/link"), Path.of("../outside"));
    }

    private StoreUri uri(String relative) {
        return StoreUri.ofLocalPath(root.resolve(relative).toString());
    }

    /** Nothing was created beside the victim, outside {@code target/}. */
    private void assertNothingCreatedOutside() throws Exception {
        try (Stream<Path> files = Files.list(outside)) {
            assertThat(files).containsExactly(victim);
        }
    }

    @Test
    void deleteThroughALinkedDirectoryRefusesAndDeletesNothing() {
        assertThatThrownBy(() -> store.delete(uri("target/link/victim.txt")))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("refusing " + uri("target/link/victim.txt"))
                .hasMessageContaining(root.resolve("target/link") + " is a symbolic link");

        assertThat(victim).hasContent("keep me");
    }

    @Test
    void deleteOfALinkItselfRefusesAndKeepsTheLink() {
        assertThatThrownBy(() -> store.delete(uri("target/link"))).isInstanceOf(StoreException.class)
                .hasMessageContaining("symbolic link");

        assertThat(Files.isSymbolicLink(root.resolve("target/link"))).isTrue();
    }

    @Test
    void writeThroughALinkedDirectoryRefusesAndCreatesNothing() throws Exception {
        for (WriteCondition condition : new WriteCondition[] {WriteCondition.overwrite(), WriteCondition.ifAbsent()}) {
            assertThatThrownBy(() -> store.write(uri("target/link/planted.txt"), new byte[] {1}, condition))
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining("symbolic link");
            assertThatThrownBy(() -> store.write(uri("target/link/deeper/planted.txt"), new byte[] {1}, condition))
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining("symbolic link");
        }

        assertNothingCreatedOutside();
    }

    @Test
    void writeOntoALinkRefusesAndLeavesItsTargetAlone() throws Exception {
        Files.createSymbolicLink(root.resolve("target/escape"), victim);

        assertThatThrownBy(() -> store.write(uri("target/escape"), new byte[] {1}, WriteCondition.overwrite()))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining(root.resolve("target/escape") + " is a symbolic link");

        assertThat(victim).hasContent("keep me");
        assertThat(Files.isSymbolicLink(root.resolve("target/escape"))).isTrue();
    }

    @Test
    void aCheckpointDirectoryListsItsLinksAsSkippedNotAsObjectsOrDirectories() throws Exception {
        Path chk = Files.createDirectories(root.resolve("target/chk-7"));
        Files.writeString(chk.resolve("_metadata"), "m");
        Files.writeString(chk.resolve("state"), "s");
        Files.createSymbolicLink(chk.resolve("escape"), victim);
        Files.createSymbolicLink(chk.resolve("linked-dir"), outside);
        Files.createSymbolicLink(chk.resolve("dangling"), root.resolve("nowhere"));

        Listing listing = store.list(uri("target/chk-7"));

        assertThat(listing.objects()).extracting(ObjectInfo::name).containsExactly("_metadata", "state");
        assertThat(listing.directories()).isEmpty();
        assertThat(listing.skipped()).containsExactly("dangling", "escape", "linked-dir");
    }

    @Test
    void copyFromALinkRefusesAndCreatesNoTarget() throws Exception {
        Path chk = Files.createDirectories(root.resolve("target/chk-7"));
        Files.createSymbolicLink(chk.resolve("escape"), victim);

        assertThatThrownBy(() -> store.copy(new ObjectInfo(uri("target/chk-7/escape"), 1, Instant.EPOCH, "listed"), uri("target/last-state/escape")))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("symbolic link");

        assertThat(root.resolve("target/last-state/escape")).doesNotExist();
    }

    @Test
    void copyIntoALinkedDirectoryRefusesAndCreatesNothing() throws Exception {
        Files.writeString(root.resolve("target/real.txt"), "r");

        assertThatThrownBy(() -> store.copy(store.stat(uri("target/real.txt")).orElseThrow(), uri("target/link/copied.txt")))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("symbolic link");

        assertNothingCreatedOutside();
    }

    @Test
    void statAndReadThroughOrOfALinkRefuse() throws Exception {
        Files.createSymbolicLink(root.resolve("target/escape"), victim);

        for (String relative : new String[] {"target/link/victim.txt", "target/escape"}) {
            assertThatThrownBy(() -> store.stat(uri(relative))).isInstanceOf(StoreException.class)
                    .hasMessageContaining("symbolic link");
            assertThatThrownBy(() -> store.read(uri(relative))).isInstanceOf(StoreException.class)
                    .hasMessageContaining("symbolic link");
        }
    }

    @Test
    void aLocationBelowALinkedAncestorIsRefusedEvenWhereNothingExistsYet() throws Exception {
        Path real = Files.createDirectories(root.resolve("real-checkpoints/job"));
        Files.writeString(real.resolve("_metadata"), "m");
        Files.createSymbolicLink(root.resolve("checkpoints"), root.resolve("real-checkpoints"));

        assertThatThrownBy(() -> store.list(uri("checkpoints/job"))).isInstanceOf(StoreException.class)
                .hasMessageContaining(root.resolve("checkpoints") + " is a symbolic link");
        assertThatThrownBy(() -> store.stat(uri("checkpoints/job/_metadata"))).isInstanceOf(StoreException.class);
        assertThatThrownBy(() -> store.stat(uri("checkpoints/job/missing/deeper"))).isInstanceOf(StoreException.class);
        assertThatThrownBy(() -> store.write(uri("checkpoints/new/_metadata"), new byte[] {1}, WriteCondition.overwrite()))
                .isInstanceOf(StoreException.class);

        assertThat(root.resolve("real-checkpoints/new")).doesNotExist();
    }

    @Test
    void statOfAPathWhoseParentDoesNotExistIsEmpty() throws Exception {
        assertThat(store.stat(uri("target/missing/deeper/_metadata"))).isEmpty();
        assertThat(store.stat(uri("missing/_metadata"))).isEmpty();
        assertThat(store.list(uri("missing"))).isEqualTo(Listing.empty(uri("missing")));
    }

    @Test
    void realPathsStillWork() throws Exception {
        ObjectInfo written = store.write(uri("target/d/a"), new byte[] {1, 2}, WriteCondition.ifAbsent());
        store.copy(written, uri("target/e/b"));

        assertThat(store.read(uri("target/e/b")).bytes()).containsExactly(1, 2);
        assertThat(store.stat(uri("target/d/a"))).contains(written);
        store.delete(uri("target/d/a"));
        assertThat(store.stat(uri("target/d/a"))).isEmpty();
    }

    @Test
    void reservedNamesThatAreNotTheStoresOwnAreSkippedNotHidden() throws Exception {
        Path dir = Files.createDirectories(root.resolve("target/chk-7"));
        Files.writeString(dir.resolve("_metadata"), "m");
        Files.writeString(dir.resolve(".laststate-x"), "state that must not be dropped silently");
        Files.writeString(dir.resolve(".laststate-tmp-not-a-uuid"), "x");
        Files.createDirectories(dir.resolve(".laststate-dir"));
        Files.writeString(dir.resolve(".laststate-lock"), "pid 1 on host h since then");
        Files.writeString(dir.resolve(".laststate-tmp-" + UUID.randomUUID()), "a writer's temporary file");

        Listing listing = store.list(uri("target/chk-7"));

        assertThat(listing.objects()).extracting(ObjectInfo::name).containsExactly("_metadata");
        assertThat(listing.directories()).isEmpty();
        assertThat(listing.skipped()).containsExactly(".laststate-dir", ".laststate-tmp-not-a-uuid", ".laststate-x");
    }

    @Test
    void aLinkUnderTheStoresOwnLockNameIsSkippedAndNeverWrittenThrough() throws Exception {
        Path dir = Files.createDirectories(root.resolve("target/d"));
        ObjectInfo first = store.write(uri("target/d/a"), new byte[] {1}, WriteCondition.overwrite());
        Files.deleteIfExists(dir.resolve(".laststate-lock"));
        Files.createSymbolicLink(dir.resolve(".laststate-lock"), victim);

        assertThat(store.list(uri("target/d")).skipped()).containsExactly(".laststate-lock");
        assertThatThrownBy(() -> store.write(uri("target/d/a"), new byte[] {2}, WriteCondition.ifVersionMatches(first.version())))
                .isInstanceOf(StoreException.class);
        assertThat(victim).hasContent("keep me");
        assertThat(Files.isSymbolicLink(dir.resolve(".laststate-lock"))).isTrue();
        assertThat(Files.readAllBytes(dir.resolve("a"))).containsExactly(1);
    }
}
