package dev.laststate.store.atomic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.laststate.store.StoreUnavailableException;
import dev.laststate.store.StoreUri;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DirectoryLocksTest {

    private static final StoreUri URI = StoreUri.parse("file:///d/a");
    private static final Duration WAIT = Duration.ofMillis(300);

    private final FakeFileSystem fs = new FakeFileSystem();
    private final DirectoryLocks locks = new DirectoryLocks(WAIT, Duration.ofMillis(1), Duration.ofMillis(20));

    @Test
    void anotherThreadHoldingTheDirectoryMakesAWaiterGiveUpNamingIt() throws Exception {
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Void> holder = CompletableFuture.runAsync(() -> {
            try {
                locks.whileHolding("d", fs.lock(URI, "d"), () -> {
                    holding.countDown();
                    await(release);
                });
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        holding.await();
        long start = System.nanoTime();

        assertThatThrownBy(() -> locks.whileHolding("d", fs.lock(URI, "d"), () -> { }))
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessage("timed out: held by another thread of this process");

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(WAIT);
        release.countDown();
        holder.get();
    }

    @Test
    void anotherDirectoryIsNotWaitedFor() throws Exception {
        locks.whileHolding("d", fs.lock(URI, "d"), () -> {
            fs.heldElsewhere.set(false); // the fake's flag is shared; another directory's lock is its own
            locks.whileHolding("e", fs.lock(URI, "e"), () -> fs.calls.add("ran in e"));
        });

        assertThat(fs.calls).contains("ran in e");
    }

    @Test
    void aLockThatFreesUpWithinTheWaitIsTaken() throws Exception {
        fs.heldElsewhere.set(true);
        CompletableFuture.runAsync(() -> fs.heldElsewhere.set(false), CompletableFuture.delayedExecutor(50, TimeUnit.MILLISECONDS));

        locks.whileHolding("d", fs.lock(URI, "d"), () -> fs.calls.add("ran"));

        assertThat(fs.calls).contains("ran").filteredOn(call -> call.startsWith("tryLock")).hasSizeGreaterThan(1);
    }

    @Test
    void aFailingActionStillReleasesBothLocks() throws Exception {
        assertThatThrownBy(() -> locks.whileHolding("d", fs.lock(URI, "d"), () -> {
            throw new java.io.IOException("boom");
        })).hasMessage("boom");

        locks.whileHolding("d", fs.lock(URI, "d"), () -> fs.calls.add("ran again"));
        assertThat(fs.calls).contains("ran again");
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
