package dev.laststate.tck;

import static dev.laststate.store.Capability.CONDITIONAL_CREATE;
import static dev.laststate.store.Capability.CONDITIONAL_REPLACE;
import static dev.laststate.tck.StoreTestData.MIB;
import static dev.laststate.tck.StoreTestData.randomBytes;
import static dev.laststate.tck.StoreTestData.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.laststate.store.ConditionFailedException;
import dev.laststate.store.Listing;
import dev.laststate.store.ObjectAlreadyExistsException;
import dev.laststate.store.ObjectContent;
import dev.laststate.store.ObjectInfo;
import dev.laststate.store.StoreException;
import dev.laststate.store.StoreNotFoundException;
import dev.laststate.store.StoreUri;
import dev.laststate.store.UnsupportedStoreOperationException;
import dev.laststate.store.WriteCondition;
import dev.laststate.tck.StoreConcurrency.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;
import org.assertj.core.api.AbstractThrowableAssert;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Part of the TCK; see {@link CheckpointStoreTck}. The {@link dev.laststate.store.CheckpointStore} SPI
 * itself: listing, stat and read, conditional writes, copy and delete, and the location every error
 * carries.
 */
public interface StoreContract extends TckSupport {

    // ---------------------------------------------------------------- listing

    @Test
    default void listingAMissingDirectoryIsEmpty() throws Exception {
        Listing listing = store().list(root());

        assertThat(listing.isEmpty()).isTrue();
        assertThat(listing.directory()).isEqualTo(root());
        assertThat(store().list(root().resolve("missing/deeper")).isEmpty()).isTrue();
    }

    @Test
    default void listingReturnsOneLevelOnly() throws Exception {
        put("a", "a");
        put("b", "b");
        put("d1/x", "x");
        put("d1/y/z", "z");
        put("d2/w", "w");

        Listing top = store().list(root());
        assertThat(top.directory()).isEqualTo(root());
        assertThat(top.directories()).containsExactly("d1", "d2");
        assertThat(top.objects()).extracting(ObjectInfo::uri).containsExactly(root().resolve("a"), root().resolve("b"));

        Listing d1 = store().list(root().resolve("d1"));
        assertThat(d1.directories()).containsExactly("y");
        assertThat(d1.objects()).extracting(ObjectInfo::uri).containsExactly(root().resolve("d1/x"));
    }

    @Test
    default void listedObjectsAgreeWithStat() throws Exception {
        put("small", "12345");
        put(root().resolve("empty"), new byte[0]);

        Listing listing = store().list(root());

        assertThat(listing.objects()).hasSize(2);
        for (ObjectInfo listed : listing.objects()) {
            assertSameObject(listed, store().stat(listed.uri()).orElseThrow());
        }
        assertThat(listing.object("small")).hasValueSatisfying(o -> assertThat(o.size()).isEqualTo(5));
        assertThat(listing.object("empty")).hasValueSatisfying(o -> assertThat(o.size()).isZero());
    }

    @Test
    @RequiresFaithful(EmulatorGap.PAGINATION)
    default void listingReadsEveryPageInNameOrder() throws Exception {
        // More than one page (1,000 keys on S3, Azure and GCS), with directories on the later pages too.
        // Unpadded numbers, so name order is not write order or numeric order.
        List<String> objectNames = IntStream.range(0, 1_050).mapToObj(i -> "object-" + i).toList();
        List<String> directoryNames = IntStream.range(0, 1_050).filter(i -> i % 50 == 7).mapToObj(i -> "object-" + i + "-dir").toList();
        List<String> relatives = new ArrayList<>(objectNames);
        directoryNames.forEach(d -> relatives.add(d + "/inside"));

        StoreConcurrency.forEachInParallel(8, relatives, relative -> put(relative, relative));

        Listing listing = store().list(root());
        assertThat(listing.objects()).extracting(ObjectInfo::name)
                .containsExactlyElementsOf(objectNames.stream().sorted().toList());
        assertThat(listing.objects()).allSatisfy(o -> {
            assertThat(o.uri()).isEqualTo(root().resolve(o.name()));
            assertThat(o.size()).isEqualTo(o.name().length());
        });
        assertThat(listing.directories()).containsExactlyElementsOf(directoryNames.stream().sorted().toList());
    }

    @Test
    default void listingKeepsDirectoriesWithACommonPrefixApart() throws Exception {
        put("app1/a", "a");
        put("app1/sub/c", "c");
        put("app10/b", "b");
        put("app1x", "x");

        Listing top = store().list(root());
        assertThat(top.directories()).containsExactly("app1", "app10");
        assertThat(top.objects()).extracting(ObjectInfo::name).containsExactly("app1x");

        Listing app1 = store().list(root().resolve("app1"));
        assertThat(app1.directories()).containsExactly("sub");
        assertThat(app1.objects()).extracting(ObjectInfo::uri).containsExactly(root().resolve("app1/a"));

        Listing app10 = store().list(root().resolve("app10"));
        assertThat(app10.directories()).isEmpty();
        assertThat(app10.objects()).extracting(ObjectInfo::uri).containsExactly(root().resolve("app10/b"));

        assertThat(store().list(root().resolve("app")).isEmpty())
                .as("a directory name is not a key prefix").isTrue();
    }

    @Test
    default void listingShowsADirectoryThatOnlyHoldsDeeperObjects() throws Exception {
        put("only/deeper/still-deeper/object", "o");

        assertThat(store().list(root()).directories()).containsExactly("only");
        Listing only = store().list(root().resolve("only"));
        assertThat(only.directories()).containsExactly("deeper");
        assertThat(only.objects()).isEmpty();
        assertThat(store().list(root().resolve("only/deeper")).directories()).containsExactly("still-deeper");
    }

    @ParameterizedTest(name = "\"{0}\"")
    @RequiresFaithful(EmulatorGap.ESCAPED_NAMES)
    @ValueSource(strings = {"with space", "plus+sign", "per%25cent%", "key=value", "ü-ß-漢字", ".starts-with-dot",
            "all of them+%20=ü"})
    default void unusualNamesRoundTrip(String name) throws Exception {
        StoreUri object = root().resolve(name);
        StoreUri directory = root().resolve(name + ".d");
        StoreUri copy = directory.resolve(name);
        String content = "content of " + name;

        ObjectInfo written = put(object, utf8(content));
        assertThat(written.uri()).isEqualTo(object);
        assertThat(written.name()).isEqualTo(name);

        Listing top = store().list(root());
        assertThat(top.objects()).extracting(ObjectInfo::uri).containsExactly(object);
        assertThat(top.objects()).extracting(ObjectInfo::name).containsExactly(name);
        assertThat(store().stat(object)).hasValueSatisfying(info -> assertSameObject(info, written));
        ObjectContent read = store().read(object);
        assertThat(read.bytes()).isEqualTo(utf8(content));
        assertThat(read.info().uri()).isEqualTo(object);

        ObjectInfo copied = store().copy(written, copy);
        assertThat(copied.uri()).isEqualTo(copy);
        assertThat(text(copy)).isEqualTo(content);
        assertThat(store().list(root()).directories()).containsExactly(name + ".d");
        assertThat(store().list(directory).objects()).extracting(ObjectInfo::uri).containsExactly(copy);

        store().delete(object);
        store().delete(copy);
        assertThat(store().stat(object)).isEmpty();
        assertThat(store().stat(copy)).isEmpty();
        assertThat(store().list(root()).objects()).isEmpty();
        assertThat(store().list(directory).objects()).isEmpty();
    }

    // ---------------------------------------------------------------- stat and read

    @Test
    default void statOfAMissingObjectIsEmpty() throws Exception {
        assertThat(store().stat(root().resolve("missing"))).isEmpty();
        assertThat(store().stat(root().resolve("missing/deeper"))).isEmpty();
    }

    @Test
    default void statOfADirectoryIsEmpty() throws Exception {
        put("dir/object", "o");

        assertThat(store().stat(root().resolve("dir"))).isEmpty();
        assertThat(store().stat(root())).isEmpty();
        assertThrowsWithUri(StoreNotFoundException.class, root().resolve("dir"), () -> store().read(root().resolve("dir")));
    }

    @Test
    default void anObjectIsNotADirectory() throws Exception {
        put("object", "o");
        StoreUri below = root().resolve("object/child");

        assertThat(store().list(root().resolve("object")).isEmpty()).isTrue();
        assertThat(store().stat(below)).isEmpty();
        assertThrowsWithUri(StoreNotFoundException.class, below, () -> store().read(below));
        store().delete(below);
        assertThat(text(root().resolve("object"))).isEqualTo("o");
    }

    @Test
    default void readReturnsTheBytesAndTheStatOfTheirVersion() throws Exception {
        StoreUri uri = root().resolve("object");
        byte[] bytes = randomBytes(1, 4_096);
        ObjectInfo written = put(uri, bytes);

        ObjectInfo stat = store().stat(uri).orElseThrow();
        ObjectContent read = store().read(uri);

        assertThat(read.bytes()).isEqualTo(bytes);
        assertThat(read.truncated()).isFalse();
        assertSameObject(read.info(), stat);
        assertSameObject(written, stat);
        assertThat(stat.size()).isEqualTo(bytes.length);
    }

    @Test
    default void readWithALimitReturnsOnlyTheFirstBytes() throws Exception {
        StoreUri uri = root().resolve("object");
        byte[] bytes = randomBytes(2, 1_000);
        ObjectInfo written = put(uri, bytes);

        ObjectContent head = store().read(uri, 10);
        assertThat(head.bytes()).isEqualTo(Arrays.copyOf(bytes, 10));
        assertThat(head.truncated()).isTrue();
        assertSameObject(head.info(), written);

        ObjectContent exact = store().read(uri, bytes.length);
        assertThat(exact.bytes()).isEqualTo(bytes);
        assertThat(exact.truncated()).isFalse();

        ObjectContent more = store().read(uri, 10 * bytes.length);
        assertThat(more.bytes()).isEqualTo(bytes);
        assertThat(more.truncated()).isFalse();
    }

    @Test
    default void readingAMissingObjectThrowsNotFound() {
        StoreUri missing = root().resolve("missing");

        assertThrowsWithUri(StoreNotFoundException.class, missing, () -> store().read(missing));
        assertThrowsWithUri(StoreNotFoundException.class, missing, () -> store().read(missing, 10));
    }

    @Test
    default void overwritingWithOtherBytesChangesTheVersion() throws Exception {
        // A version names the content: identical bytes written again may keep it (as an S3 ETag does).
        StoreUri uri = root().resolve("object");
        ObjectInfo first = put(uri, utf8("first"));
        ObjectInfo second = put(uri, utf8("second"));
        ObjectInfo third = put(uri, utf8("first"));

        assertThat(second.version()).isNotEqualTo(first.version());
        assertThat(third.version()).isNotEqualTo(second.version());
        assertSameObject(store().stat(uri).orElseThrow(), third);
    }

    @Test
    default void lastModifiedIsRecent() throws Exception {
        // Tolerant of second-granular timestamps and of an emulator's clock running a little apart.
        Instant before = Instant.now().minus(Duration.ofMinutes(1));
        ObjectInfo written = put("object", "o");
        Instant after = Instant.now().plus(Duration.ofMinutes(1));

        assertThat(written.lastModified()).isBetween(before, after);
        assertThat(store().stat(written.uri()).orElseThrow().lastModified()).isBetween(before, after);
        assertThat(store().list(root()).object("object").orElseThrow().lastModified()).isBetween(before, after);
    }

    // ---------------------------------------------------------------- writes

    @Test
    default void overwriteReplacesAnExistingObject() throws Exception {
        StoreUri uri = root().resolve("object");
        put(uri, utf8("old"));

        ObjectInfo written = store().write(uri, utf8("new, and longer"), WriteCondition.overwrite());

        assertThat(text(uri)).isEqualTo("new, and longer");
        assertThat(written.size()).isEqualTo("new, and longer".length());
        assertSameObject(store().stat(uri).orElseThrow(), written);
    }

    @Test
    default void writingCreatesMissingParentDirectories() throws Exception {
        StoreUri deep = root().resolve("a/b/c/object");

        ObjectInfo written = put(deep, utf8("deep"));

        assertThat(written.uri()).isEqualTo(deep);
        assertThat(text(deep)).isEqualTo("deep");
        assertThat(store().list(root()).directories()).containsExactly("a");
        assertThat(store().list(root().resolve("a/b/c")).objects()).extracting(ObjectInfo::uri).containsExactly(deep);
    }

    @Test
    @RequiresFaithful({EmulatorGap.ATOMIC_UPLOADS, EmulatorGap.ATOMIC_READS})
    default void readersNeverSeeAPartialWrite() throws Exception {
        /*
         * What one read saw: which of the two contents (-1 for neither), the version reported with it, and how
         * many writes had completed when it started and when it ended.
         */
        record Seen(int content, String version, long reportedSize, int length, int writesBefore, int writesAfter) {}
        int writes = 30;
        StoreUri uri = root().resolve("object");
        byte[][] contents = {randomBytes(3, MIB), randomBytes(4, MIB)};
        Map<String, Integer> writtenVersions = new ConcurrentHashMap<>();
        writtenVersions.put(put(uri, contents[0]).version(), 0);
        AtomicInteger written = new AtomicInteger();
        AtomicInteger readsDone = new AtomicInteger();
        CountDownLatch readerStarted = new CountDownLatch(1);

        Callable<List<Seen>> writer = () -> {
            // The writer starts only once the reader reads, and lets a read finish around each write, so the two
            // overlap on every store, however much faster one is than the other.
            assertThat(readerStarted.await(StoreConcurrency.TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("the reader started").isTrue();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(StoreConcurrency.TIMEOUT_SECONDS);
            for (int i = 1; i <= writes; i++) {
                int readsBefore = readsDone.get();
                writtenVersions.put(put(uri, contents[i % 2]).version(), i % 2);
                written.incrementAndGet();
                while (readsDone.get() <= readsBefore) {
                    assertThat(System.nanoTime()).as("a read finished around write %d", i).isLessThan(deadline);
                    LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(100));
                }
            }
            return List.of();
        };
        Callable<List<Seen>> reader = () -> {
            List<Seen> seen = new ArrayList<>();
            do {
                int before = written.get();
                readerStarted.countDown();
                ObjectContent read = store().read(uri);
                byte[] bytes = read.bytes();
                int content = Arrays.equals(bytes, contents[0]) ? 0 : Arrays.equals(bytes, contents[1]) ? 1 : -1;
                seen.add(new Seen(content, read.info().version(), read.info().size(), bytes.length, before, written.get()));
                readsDone.incrementAndGet();
            } while (written.get() < writes);
            return seen;
        };
        List<Seen> reads = StoreConcurrency.together(List.of(writer, reader)).get(1);

        // Reads that began after one write had landed and ended before the last one: they ran while writes did.
        assertThat(reads.stream().filter(r -> r.writesBefore() >= 1 && r.writesAfter() < writes).count())
                .as("reads that overlapped the writes, of %d reads", reads.size()).isPositive();
        assertThat(reads).allSatisfy(read -> {
            assertThat(read.content()).as("which whole content %s holds", read).isNotNegative();
            assertThat(read.reportedSize()).as("size reported with %s", read).isEqualTo(read.length());
            // The bytes belong to the version reported with them.
            assertThat(writtenVersions).as("versions written").containsEntry(read.version(), read.content());
        });
    }

    // ---------------------------------------------------------------- conditional create

    @Test
    @RequiresCapability(CONDITIONAL_CREATE)
    default void ifAbsentCreatesAMissingObject() throws Exception {
        ConditionalWrite write = ifAbsentOnAMissingObject();

        ObjectInfo written = store().write(write.uri(), utf8("new"), write.condition());

        assertThat(text(write.uri())).isEqualTo("new");
        assertSameObject(store().stat(write.uri()).orElseThrow(), written);
    }

    @Test
    @RequiresMissingCapability(CONDITIONAL_CREATE)
    default void ifAbsentOnAMissingObjectIsRefusedWithoutConditionalCreate() throws Exception {
        assertRefused(ifAbsentOnAMissingObject(), UnsupportedStoreOperationException.class);
    }

    @Test
    @RequiresCapability(CONDITIONAL_CREATE)
    default void ifAbsentRefusesAnExistingObject() throws Exception {
        assertRefused(ifAbsentOnAnExistingObject(), ObjectAlreadyExistsException.class);
    }

    @Test
    @RequiresMissingCapability(CONDITIONAL_CREATE)
    default void ifAbsentOnAnExistingObjectIsRefusedWithoutConditionalCreate() throws Exception {
        assertRefused(ifAbsentOnAnExistingObject(), UnsupportedStoreOperationException.class);
    }

    @Test
    @RequiresCapability(CONDITIONAL_CREATE)
    default void racingIfAbsentWritersHaveExactlyOneWinner() throws Exception {
        assertExactlyOneWinner(ifAbsentOnAMissingObject(), ObjectAlreadyExistsException.class);
    }

    @Test
    @RequiresMissingCapability(CONDITIONAL_CREATE)
    default void racingIfAbsentWritersAreAllRefusedWithoutConditionalCreate() throws Exception {
        assertAllRefused(ifAbsentOnAMissingObject());
    }

    // ---------------------------------------------------------------- conditional replace

    @Test
    @RequiresCapability(CONDITIONAL_REPLACE)
    default void ifVersionMatchesReplacesTheCurrentVersion() throws Exception {
        ConditionalWrite write = ifVersionMatchesTheCurrentVersion();

        ObjectInfo written = store().write(write.uri(), utf8("new"), write.condition());

        assertThat(text(write.uri())).isEqualTo("new");
        assertThat(written.version()).isNotEqualTo(write.before().orElseThrow().version());
        assertSameObject(store().stat(write.uri()).orElseThrow(), written);
    }

    @Test
    @RequiresMissingCapability(CONDITIONAL_REPLACE)
    default void ifVersionMatchesWithTheCurrentVersionIsRefusedWithoutConditionalReplace() throws Exception {
        assertRefused(ifVersionMatchesTheCurrentVersion(), UnsupportedStoreOperationException.class);
    }

    @Test
    @RequiresCapability(CONDITIONAL_REPLACE)
    default void ifVersionMatchesRefusesAStaleVersion() throws Exception {
        assertRefused(ifVersionMatchesAStaleVersion(), ConditionFailedException.class)
                .isNotInstanceOf(ObjectAlreadyExistsException.class);
    }

    @Test
    @RequiresMissingCapability(CONDITIONAL_REPLACE)
    default void ifVersionMatchesWithAStaleVersionIsRefusedWithoutConditionalReplace() throws Exception {
        assertRefused(ifVersionMatchesAStaleVersion(), UnsupportedStoreOperationException.class);
    }

    @Test
    @RequiresCapability(CONDITIONAL_REPLACE)
    default void ifVersionMatchesRefusesAMissingObject() throws Exception {
        ConditionalWrite deleted = ifVersionMatchesADeletedObject();
        ConditionalWrite neverWritten = ConditionalWrite.onAMissingObject(root().resolve("never-written"), deleted.condition());

        assertRefused(deleted, ConditionFailedException.class).isNotInstanceOf(ObjectAlreadyExistsException.class);
        assertRefused(neverWritten, ConditionFailedException.class);
    }

    @Test
    @RequiresMissingCapability(CONDITIONAL_REPLACE)
    default void ifVersionMatchesOnAMissingObjectIsRefusedWithoutConditionalReplace() throws Exception {
        assertRefused(ifVersionMatchesADeletedObject(), UnsupportedStoreOperationException.class);
    }

    @Test
    @RequiresCapability(CONDITIONAL_REPLACE)
    default void racingVersionedWritersHaveExactlyOneWinner() throws Exception {
        assertExactlyOneWinner(ifVersionMatchesTheCurrentVersion(), ConditionFailedException.class);
    }

    @Test
    @RequiresMissingCapability(CONDITIONAL_REPLACE)
    default void racingVersionedWritersAreAllRefusedWithoutConditionalReplace() throws Exception {
        assertAllRefused(ifVersionMatchesTheCurrentVersion());
    }

    // ---------------------------------------------------------------- the conditional writes, staged

    private ConditionalWrite ifAbsentOnAMissingObject() {
        return ConditionalWrite.onAMissingObject(root().resolve("dir/object"), WriteCondition.ifAbsent());
    }

    private ConditionalWrite ifAbsentOnAnExistingObject() throws StoreException {
        return ConditionalWrite.onAnObject(put(root().resolve("object"), utf8("old")), "old", WriteCondition.ifAbsent());
    }

    private ConditionalWrite ifVersionMatchesTheCurrentVersion() throws StoreException {
        ObjectInfo current = put(root().resolve("object"), utf8("old"));
        return ConditionalWrite.onAnObject(current, "old", WriteCondition.ifVersionMatches(current.version()));
    }

    private ConditionalWrite ifVersionMatchesAStaleVersion() throws StoreException {
        StoreUri uri = root().resolve("object");
        ObjectInfo stale = put(uri, utf8("first"));
        ObjectInfo current = put(uri, utf8("second"));
        return ConditionalWrite.onAnObject(current, "second", WriteCondition.ifVersionMatches(stale.version()));
    }

    private ConditionalWrite ifVersionMatchesADeletedObject() throws StoreException {
        StoreUri uri = root().resolve("object");
        ObjectInfo deleted = put(uri, utf8("deleted"));
        store().delete(uri);
        return ConditionalWrite.onAMissingObject(uri, WriteCondition.ifVersionMatches(deleted.version()));
    }

    /** The write is refused with {@code type}, naming the object, and leaves it as it was (or missing). */
    private AbstractThrowableAssert<?, ? extends Throwable> assertRefused(ConditionalWrite write,
            Class<? extends StoreException> type) throws StoreException {
        AbstractThrowableAssert<?, ? extends Throwable> refusal = assertThrowsWithUri(type, write.uri(),
                () -> store().write(write.uri(), utf8("new"), write.condition()));
        assertLeftAlone(write);
        return refusal;
    }

    /** Writers racing with the same condition: one wins, every other loses with {@code type}; the winner's bytes stay. */
    private void assertExactlyOneWinner(ConditionalWrite write, Class<? extends StoreException> type) throws Exception {
        List<Outcome<ObjectInfo>> outcomes = race(write);

        Outcome<ObjectInfo> winner = theOnlyWinner(outcomes);
        assertThat(outcomes).filteredOn(o -> !o.won()).hasSize(StoreConcurrency.CONTENDERS - 1)
                .allSatisfy(o -> assertFailure(o, type, write.uri()));
        assertUnchanged(write.uri(), winner.result().orElseThrow(), "contender " + winner.contender());
    }

    /** Writers racing with a condition the store does not support: every one refused, the object left alone. */
    private void assertAllRefused(ConditionalWrite write) throws Exception {
        List<Outcome<ObjectInfo>> outcomes = race(write);

        assertThat(outcomes).hasSize(StoreConcurrency.CONTENDERS)
                .allSatisfy(o -> assertFailure(o, UnsupportedStoreOperationException.class, write.uri()));
        assertLeftAlone(write);
    }

    private List<Outcome<ObjectInfo>> race(ConditionalWrite write) throws Exception {
        return StoreConcurrency.race(StoreConcurrency.CONTENDERS,
                contender -> store().write(write.uri(), utf8("contender " + contender), write.condition()));
    }

    /** The object holds what it held before the write, in the same version; a missing one is still missing, and unlisted. */
    private void assertLeftAlone(ConditionalWrite write) throws StoreException {
        if (write.before().isPresent()) {
            assertUnchanged(write.uri(), write.before().get(), write.heldText());
        } else {
            assertThat(store().stat(write.uri())).isEmpty();
            assertThat(store().list(write.uri().parent().orElseThrow()).objects()).extracting(ObjectInfo::uri)
                    .doesNotContain(write.uri());
        }
    }

    // ---------------------------------------------------------------- copy

    @Test
    default void copyPreservesBytesExactly() throws Exception {
        StoreUri large = root().resolve("source/large");
        StoreUri empty = root().resolve("source/empty");
        byte[] bytes = randomBytes(5, 3 * MIB);
        ObjectInfo largeSource = put(large, bytes);
        ObjectInfo emptySource = put(empty, new byte[0]);

        ObjectInfo largeCopy = store().copy(largeSource, root().resolve("target/large"));
        ObjectInfo emptyCopy = store().copy(emptySource, root().resolve("target/empty"));

        assertThat(largeCopy.uri()).isEqualTo(root().resolve("target/large"));
        assertThat(largeCopy.size()).isEqualTo(bytes.length);
        assertThat(store().read(largeCopy.uri()).bytes()).isEqualTo(bytes);
        assertSameObject(store().stat(largeCopy.uri()).orElseThrow(), largeCopy);
        assertThat(emptyCopy.size()).isZero();
        assertThat(store().read(emptyCopy.uri()).bytes()).isEmpty();
        assertSameObject(store().stat(emptyCopy.uri()).orElseThrow(), emptyCopy);
    }

    @Test
    default void copyLeavesTheSourceUnchanged() throws Exception {
        StoreUri source = root().resolve("source");
        ObjectInfo before = put(source, utf8("source"));

        store().copy(before, root().resolve("target"));

        assertUnchanged(source, before, "source");
    }

    @Test
    default void copyOverwritesAnExistingTarget() throws Exception {
        StoreUri source = root().resolve("source");
        StoreUri target = root().resolve("target");
        ObjectInfo listed = put(source, utf8("new"));
        ObjectInfo old = put(target, utf8("old and longer"));

        ObjectInfo copied = store().copy(listed, target);

        assertThat(text(target)).isEqualTo("new");
        assertThat(copied.size()).isEqualTo(3);
        assertThat(copied.version()).isNotEqualTo(old.version());
        assertSameObject(store().stat(target).orElseThrow(), copied);
    }

    @Test
    default void copyIntoAMissingDirectoryCreatesIt() throws Exception {
        StoreUri source = root().resolve("source");
        StoreUri target = root().resolve("new/deeper/target");
        ObjectInfo listed = put(source, utf8("s"));

        store().copy(listed, target);

        assertThat(text(target)).isEqualTo("s");
        assertThat(store().list(root()).directories()).containsExactly("new");
    }

    @Test
    default void copyOfAMissingSourceThrowsNotFoundAndLeavesTheTargetAlone() throws Exception {
        StoreUri missing = root().resolve("missing");
        StoreUri absentTarget = root().resolve("targets/absent");
        StoreUri presentTarget = root().resolve("targets/present");
        ObjectInfo present = put(presentTarget, utf8("present"));
        // The caller listed it, then it was deleted (Flink subsuming a checkpoint mid-copy).
        ObjectInfo listed = put(missing, utf8("deleted since it was listed"));
        store().delete(missing);

        assertThrowsWithUri(StoreNotFoundException.class, missing, () -> store().copy(listed, absentTarget));
        assertThrowsWithUri(StoreNotFoundException.class, missing, () -> store().copy(listed, presentTarget));

        assertThat(store().stat(absentTarget)).isEmpty();
        assertUnchanged(presentTarget, present, "present");
        assertThat(store().list(root().resolve("targets")).objects()).extracting(ObjectInfo::uri).containsExactly(presentTarget);
    }

    @Test
    default void copyOfAVersionThatHasSinceChangedFailsAndLeavesTheTargetAlone() throws Exception {
        StoreUri source = root().resolve("source");
        StoreUri absentTarget = root().resolve("targets/absent");
        StoreUri presentTarget = root().resolve("targets/present");
        ObjectInfo present = put(presentTarget, utf8("present"));
        ObjectInfo listed = put(source, utf8("the version listed"));
        ObjectInfo rewritten = put(source, utf8("rewritten since, and longer"));
        assertThat(rewritten.version()).isNotEqualTo(listed.version());

        assertThrowsWithUri(ConditionFailedException.class, source, () -> store().copy(listed, absentTarget));
        assertThrowsWithUri(ConditionFailedException.class, source, () -> store().copy(listed, presentTarget));

        assertThat(store().stat(absentTarget)).isEmpty();
        assertUnchanged(presentTarget, present, "present");
        assertUnchanged(source, rewritten, "rewritten since, and longer");
        assertThat(store().copy(rewritten, absentTarget).size()).isEqualTo(rewritten.size());
        assertThat(text(absentTarget)).isEqualTo("rewritten since, and longer");
    }

    @Test
    default void copyOfAnObjectAboveTheMultipartThresholdPreservesIt() throws Exception {
        // Fixtures of stores that copy in parts set a threshold well below this size.
        StoreUri source = root().resolve("source");
        StoreUri target = root().resolve("target");
        byte[] bytes = randomBytes(6, 12 * MIB);
        ObjectInfo listed = put(source, bytes);

        ObjectInfo copied = store().copy(listed, target);

        assertThat(copied.size()).isEqualTo(bytes.length);
        assertThat(store().read(target).bytes()).isEqualTo(bytes);
        assertSameObject(store().stat(target).orElseThrow(), copied);
    }

    // ---------------------------------------------------------------- delete

    @Test
    default void deleteRemovesTheObject() throws Exception {
        StoreUri uri = put("object", "o").uri();

        store().delete(uri);

        assertThat(store().stat(uri)).isEmpty();
        assertThrowsWithUri(StoreNotFoundException.class, uri, () -> store().read(uri));
        assertThat(store().list(root()).objects()).isEmpty();
    }

    @Test
    default void deletingAMissingObjectSucceeds() throws Exception {
        StoreUri uri = put("object", "o").uri();
        store().delete(uri);

        store().delete(uri);
        store().delete(root().resolve("never-written"));
        store().delete(root().resolve("missing/directory/object"));

        assertThat(store().stat(uri)).isEmpty();
    }

    @Test
    default void deleteAllRemovesTheObjectsAndSkipsMissingOnes() throws Exception {
        StoreUri a = put("a", "a").uri();
        StoreUri b = put("dir/b", "b").uri();
        StoreUri kept = put("dir/kept", "kept").uri();

        store().deleteAll(List.of(a, root().resolve("missing"), b, root().resolve("missing-dir/missing")));

        assertThat(store().stat(a)).isEmpty();
        assertThat(store().stat(b)).isEmpty();
        assertThat(text(kept)).isEqualTo("kept");
        store().deleteAll(List.of());
    }

    @Test
    default void deleteLeavesSiblingsAlone() throws Exception {
        StoreUri doomed = put("x", "x").uri();
        List<StoreUri> siblings = List.of(put("x1", "x1").uri(), put("x.bak", "x.bak").uri(), put("y", "y").uri(),
                put("x-dir/x", "x-dir/x").uri());

        store().delete(doomed);

        assertThat(store().list(root()).objects()).extracting(ObjectInfo::name).containsExactly("x.bak", "x1", "y");
        for (StoreUri sibling : siblings) {
            assertThat(text(sibling)).isEqualTo(root().relativize(sibling));
        }
    }

    @Test
    default void deletingADirectoryPathDeletesNothing() throws Exception {
        StoreUri inside = put("dir/object", "o").uri();

        store().delete(root().resolve("dir"));

        assertThat(text(inside)).isEqualTo("o");
        assertThat(store().list(root()).directories()).containsExactly("dir");
    }

    @Test
    default void deletingEveryObjectOfADirectoryLeavesNoStaleObjectInTheParent() throws Exception {
        StoreUri a = put("dir/a", "a").uri();
        StoreUri b = put("dir/b", "b").uri();
        put("kept", "kept");

        store().delete(a);
        store().delete(b);

        // Whether the now empty directory is still listed depends on the store; an object it is not.
        Listing parent = store().list(root());
        assertThat(parent.objects()).extracting(ObjectInfo::name).containsExactly("kept");
        assertThat(parent.directories()).isSubsetOf("dir");
        assertThat(store().list(root().resolve("dir")).isEmpty()).isTrue();
        assertThat(store().stat(root().resolve("dir"))).isEmpty();
    }

    // ---------------------------------------------------------------- helpers

    /** The same object in the same version; timestamps may differ in precision between calls. */
    private static void assertSameObject(ObjectInfo actual, ObjectInfo expected) {
        assertThat(actual.uri()).as("uri").isEqualTo(expected.uri());
        assertThat(actual.size()).as("size of %s", expected.uri()).isEqualTo(expected.size());
        assertThat(actual.version()).as("version of %s", expected.uri()).isEqualTo(expected.version());
    }

    /** The object still holds {@code text} in the version seen before. */
    private void assertUnchanged(StoreUri uri, ObjectInfo before, String text) throws StoreException {
        assertSameObject(store().stat(uri).orElseThrow(() -> new AssertionError(uri + " is gone")), before);
        assertThat(text(uri)).isEqualTo(text);
    }

    /** The call throws {@code type} and the exception names {@code uri}, the location concerned. */
    private static <E extends StoreException> AbstractThrowableAssert<?, ? extends Throwable> assertThrowsWithUri(
            Class<E> type, StoreUri uri, ThrowingCallable call) {
        return assertThatThrownBy(call).isInstanceOfSatisfying(type,
                e -> assertThat(e.uri()).as("the location %s carries", type.getSimpleName()).isEqualTo(uri));
    }

    private static void assertFailure(Outcome<?> outcome, Class<? extends StoreException> type, StoreUri uri) {
        assertThat(outcome.failure()).as("contender %d", outcome.contender()).isPresent();
        assertThrowsWithUri(type, uri, () -> {
            throw outcome.failure().orElseThrow();
        });
    }

    private static <T> Outcome<T> theOnlyWinner(List<Outcome<T>> outcomes) {
        List<Outcome<T>> winners = outcomes.stream().filter(Outcome::won).toList();
        assertThat(winners).as("winners among %s", outcomes).hasSize(1);
        return winners.get(0);
    }
}
