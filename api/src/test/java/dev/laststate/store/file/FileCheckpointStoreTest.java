package dev.laststate.store.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.laststate.store.ConditionFailedException;
import dev.laststate.store.ObjectInfo;
import dev.laststate.store.StoreException;
import dev.laststate.store.StoreUri;
import dev.laststate.store.WriteCondition;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What is particular to local directories; the TCK covers the contract. */
class FileCheckpointStoreTest {

    @TempDir
    Path temp;

    private StoreUri uri(String relative) {
        return StoreUri.ofLocalPath(temp.resolve(relative).toString());
    }

    @Test
    void itsOwnTemporaryAndLockFilesAreNeverListed() throws Exception {
        FileCheckpointStore store = new FileCheckpointStore();
        ObjectInfo written = store.write(uri("d/a"), new byte[] {1}, WriteCondition.overwrite());
        store.write(uri("d/a"), new byte[] {2}, WriteCondition.ifVersionMatches(written.version()));
        Files.writeString(temp.resolve("d/" + FileCheckpointStore.RESERVED_PREFIX + "tmp-" + UUID.randomUUID()), "x");

        assertThat(store.list(uri("d")).objects()).extracting(ObjectInfo::name).containsExactly("a");
        assertThat(store.list(uri("d")).directories()).isEmpty();
        assertThat(store.list(uri("d")).skipped()).isEmpty();
    }

    @Test
    void conditionalReplacesAreExclusiveAcrossStoreInstances() throws Exception {
        // Two instances stand for two processes: the directory's file lock, not an in-memory lock, decides.
        ObjectInfo initial = new FileCheckpointStore().write(uri("x/_metadata"), new byte[] {0}, WriteCondition.overwrite());
        int writers = 8;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Boolean>> outcomes = new ArrayList<>();
        for (int i = 0; i < writers; i++) {
            byte[] bytes = ("writer " + i).getBytes(StandardCharsets.UTF_8);
            Callable<Boolean> writer = () -> {
                start.await();
                try {
                    new FileCheckpointStore().write(uri("x/_metadata"), bytes, WriteCondition.ifVersionMatches(initial.version()));
                    return true;
                } catch (ConditionFailedException lost) {
                    return false;
                }
            };
            outcomes.add(pool.submit(writer));
        }
        start.countDown();
        int winners = 0;
        for (Future<Boolean> outcome : outcomes) {
            winners += outcome.get() ? 1 : 0;
        }
        pool.shutdown();

        assertThat(winners).isEqualTo(1);
    }

    @Test
    void writingBelowAnObjectFailsWithTheLocationInTheError() throws Exception {
        FileCheckpointStore store = new FileCheckpointStore();
        store.write(uri("plain"), new byte[] {1}, WriteCondition.overwrite());

        assertThatThrownBy(() -> store.write(uri("plain/child"), new byte[] {1}, WriteCondition.overwrite()))
                .isExactlyInstanceOf(StoreException.class)
                .hasMessageContaining("not a directory")
                .satisfies(e -> assertThat(((StoreException) e).uri()).isEqualTo(uri("plain/child")))
                .hasMessageContaining(uri("plain/child").toString());
        assertThat(store.list(uri("plain")).isEmpty()).isTrue();
    }
}
