package dev.laststate.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.laststate.store.ContainerNotFoundException;
import dev.laststate.store.InvalidStoreUriException;
import dev.laststate.store.Listing;
import dev.laststate.store.NameLimit;
import dev.laststate.store.ObjectInfo;
import dev.laststate.store.StoreUri;
import dev.laststate.store.UnsupportedStoreOperationException;
import dev.laststate.store.WriteCondition;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/**
 * The edges of {@link dev.laststate.store.CheckpointStore} that its Javadoc names and every store answers
 * the same way: another scheme, the container root, a name the store refuses, names no location can hold, a
 * copy to another container, a missing container.
 */
public interface StoreEdgesContract extends TckSupport {

    @Test
    default void aLocationOfAnotherSchemeIsRefusedByEveryMethod() throws Exception {
        ObjectInfo listed = put("object", "o");
        StoreUri foreign = new StoreUri("laststate-elsewhere", "bucket", "dir/object");
        assertThat(store().schemes()).doesNotContain(foreign.scheme());
        ObjectInfo foreignInfo = new ObjectInfo(foreign, 1, Instant.EPOCH, "v");

        for (Map.Entry<String, ThrowingCallable> call : Map.<String, ThrowingCallable>of(
                "list", () -> store().list(foreign.parent().orElseThrow()),
                "stat", () -> store().stat(foreign),
                "read", () -> store().read(foreign),
                "readStream", () -> store().readStream(foreign, Optional.empty(), 0, 1),
                "write", () -> store().write(foreign, new byte[1], WriteCondition.overwrite()),
                "writeStream", () -> store().writeStream(foreign, new ByteArrayInputStream(new byte[1]), 1),
                "copy from", () -> store().copy(foreignInfo, root().resolve("copy")),
                "copy to", () -> store().copy(listed, foreign),
                "delete", () -> store().delete(foreign),
                "deleteAll", () -> store().deleteAll(List.of(foreign))).entrySet()) {
            assertThatThrownBy(call.getValue()).as(call.getKey()).isInstanceOf(InvalidStoreUriException.class)
                    .hasMessageContaining(foreign.scheme());
        }
        assertThat(store().list(root()).objects()).extracting(ObjectInfo::uri).containsExactly(listed.uri());
    }

    @Test
    default void theRootOfAContainerNamesNoObjectButLists() throws Exception {
        ObjectInfo listed = put("object", "o");
        StoreUri containerRoot = new StoreUri(root().scheme(), root().authority(), "");
        ObjectInfo rootInfo = new ObjectInfo(containerRoot, 1, Instant.EPOCH, listed.version());

        for (Map.Entry<String, ThrowingCallable> call : Map.<String, ThrowingCallable>of(
                "stat", () -> store().stat(containerRoot),
                "read", () -> store().read(containerRoot),
                "readStream", () -> store().readStream(containerRoot, Optional.empty(), 0, 1),
                "write", () -> store().write(containerRoot, new byte[1], WriteCondition.overwrite()),
                "writeStream", () -> store().writeStream(containerRoot, new ByteArrayInputStream(new byte[1]), 1),
                "write if absent", () -> store().write(containerRoot, new byte[1], WriteCondition.ifAbsent()),
                "copy from", () -> store().copy(rootInfo, root().resolve("copy")),
                "copy to", () -> store().copy(listed, containerRoot),
                "delete", () -> store().delete(containerRoot)).entrySet()) {
            assertThatThrownBy(call.getValue()).as(call.getKey()).isInstanceOf(InvalidStoreUriException.class)
                    .hasMessageContaining("names no object");
        }
        assertThatCode(() -> store().list(containerRoot)).as("list").doesNotThrowAnyException();
        assertThat(store().list(root()).objects()).extracting(ObjectInfo::uri).containsExactly(listed.uri());
    }

    @Test
    @RequiresStaged(StagedEdge.UNREPRESENTABLE_NAME)
    default void aNameNoLocationCanHoldIsListedAsSkippedNeverAFailureOfTheListing() throws Exception {
        Optional<UnrepresentableNames> names = fixture().unrepresentableNames();
        StoreUri dir = root().resolve("dir");
        ObjectInfo good = put("dir/good", "g");
        put("dir/sub/nested", "n");

        String planted = names.get().plant(dir);

        Listing listing = store().list(dir);
        assertThat(listing.skipped()).containsExactly(planted);
        assertThat(listing.objects()).extracting(ObjectInfo::uri).containsExactly(good.uri());
        assertThat(listing.directories()).containsExactly("sub");
    }

    @Test
    @RequiresStaged(StagedEdge.MISSING_CONTAINER)
    default void aMissingContainerIsContainerNotFoundFromEveryMethod() throws Exception {
        Optional<StoreUri> missing = fixture().missingContainer();
        StoreUri object = missing.get().resolve("dir/object");
        ObjectInfo listed = put("source", "s");
        ObjectInfo missingInfo = new ObjectInfo(object, 1, Instant.EPOCH, listed.version());
        StoreUri copy = missing.get().resolve("dir/copy");
        byte[] bytes = "x".getBytes(StandardCharsets.UTF_8);

        for (Map.Entry<String, ThrowingCallable> call : Map.<String, ThrowingCallable>ofEntries(
                Map.entry("list", () -> store().list(object.parent().orElseThrow())),
                Map.entry("stat", () -> store().stat(object)),
                Map.entry("read", () -> store().read(object)),
                Map.entry("readStream", () -> store().readStream(object, Optional.empty(), 0, 1)),
                Map.entry("write", () -> store().write(object, bytes, WriteCondition.overwrite())),
                Map.entry("writeStream", () -> store().writeStream(object, new ByteArrayInputStream(bytes), bytes.length)),
                Map.entry("write if absent", () -> store().write(object, bytes, WriteCondition.ifAbsent())),
                // Within the missing container: a copy to or from another container is refused before it is sent.
                Map.entry("copy", () -> store().copy(missingInfo, copy)),
                Map.entry("delete", () -> store().delete(object)),
                Map.entry("deleteAll", () -> store().deleteAll(List.of(object)))).entrySet()) {
            assertThatThrownBy(call.getValue()).as(call.getKey()).isInstanceOfSatisfying(ContainerNotFoundException.class,
                    e -> assertThat(e.uri().authority()).as("the container it names").isEqualTo(object.authority()));
        }
        assertThat(store().list(root()).objects()).extracting(ObjectInfo::uri).containsExactly(listed.uri());
    }

    @Test
    @RequiresNameLimits
    default void aNameOverALimitOfTheStoreIsRefusedByEveryMethodBeforeAnythingIsSent() throws Exception {
        ObjectInfo listed = put("object", "o");
        List<NameLimit> limits = store().nameLimits();
        for (NameLimit limit : limits) {
            StoreUri over = nameMeasuring(root().resolve("over"), limit, limit.max() + 1, limits);
            ObjectInfo overInfo = new ObjectInfo(over, 1, Instant.EPOCH, listed.version());
            for (Map.Entry<String, ThrowingCallable> call : Map.<String, ThrowingCallable>ofEntries(
                    Map.entry("stat", () -> store().stat(over)),
                    Map.entry("read", () -> store().read(over)),
                    Map.entry("readStream", () -> store().readStream(over, Optional.empty(), 0, 1)),
                    Map.entry("write", () -> store().write(over, new byte[1], WriteCondition.overwrite())),
                    Map.entry("writeStream", () -> store().writeStream(over, new ByteArrayInputStream(new byte[1]), 1)),
                    Map.entry("write if absent", () -> store().write(over, new byte[1], WriteCondition.ifAbsent())),
                    Map.entry("copy from", () -> store().copy(overInfo, root().resolve("copy"))),
                    Map.entry("copy to", () -> store().copy(listed, over)),
                    Map.entry("delete", () -> store().delete(over)),
                    Map.entry("deleteAll", () -> store().deleteAll(List.of(over)))).entrySet()) {
                assertThatThrownBy(call.getValue()).as(call.getKey() + " of a name over " + limit)
                        .isInstanceOfSatisfying(InvalidStoreUriException.class, e -> assertThat(e.input()).isEqualTo(over.toString()))
                        .hasMessageContaining(limit.toString());
            }
        }
        Listing after = store().list(root());
        assertThat(after.objects()).extracting(ObjectInfo::uri).containsExactly(listed.uri());
        assertThat(after.directories()).as("nothing written below the refused names").isEmpty();
    }

    @Test
    @RequiresNameLimits
    default void aNameAtEveryLimitOfTheStoreIsWrittenReadAndDeleted() throws Exception {
        List<NameLimit> limits = store().nameLimits();
        for (int i = 0; i < limits.size(); i++) {
            NameLimit limit = limits.get(i);
            StoreUri at = nameMeasuring(root().resolve("at-" + i), limit, limit.max(), limits);
            byte[] bytes = ("at " + limit).getBytes(StandardCharsets.UTF_8);
            ObjectInfo written = store().write(at, bytes, WriteCondition.overwrite());
            assertThat(store().read(at).bytes()).as("read of a name at " + limit).isEqualTo(bytes);
            assertThat(store().stat(at).map(ObjectInfo::version)).as("stat of a name at " + limit).contains(written.version());
            store().delete(at);
            assertThat(store().stat(at)).as("stat after delete of a name at " + limit).isEmpty();
        }
    }

    @Test
    @RequiresNameLimits(false)
    default void aStoreWithoutNameLimitsHoldsALongName() throws Exception {
        // Over the limits of every service laststate serves: 2,600 UTF-8 bytes, a segment of 1,300, 300 segments.
        StoreUri name = root().resolve(String.join("/", Collections.nCopies(299, "d")) + "/" + "\u00e9".repeat(650));
        byte[] bytes = "long".getBytes(StandardCharsets.UTF_8);
        ObjectInfo written = store().write(name, bytes, WriteCondition.overwrite());
        assertThat(store().read(name).bytes()).isEqualTo(bytes);
        assertThat(store().stat(name).map(ObjectInfo::version)).contains(written.version());
        store().delete(name);
        assertThat(store().stat(name)).isEmpty();
    }

    @Test
    @RequiresStaged(StagedEdge.OTHER_CONTAINER)
    default void aCopyToAnotherContainerIsRefusedBeforeAnythingIsSent() throws Exception {
        StoreUri elsewhere = fixture().otherContainer().orElseThrow().resolve("copies-" + root().name());
        assertThat(elsewhere.authority()).as("the other container").isNotEqualTo(root().authority());
        ObjectInfo here = put("source", "s");
        ObjectInfo there = put(elsewhere.resolve("source"), "t".getBytes(StandardCharsets.UTF_8));
        List<StoreUri> targets = new ArrayList<>(List.of(elsewhere.resolve("copy")));
        // Not a missing container either: nothing is sent to learn it is missing.
        fixture().missingContainer().ifPresent(missing -> targets.add(missing.resolve("copy")));

        for (StoreUri target : targets) {
            assertThatThrownBy(() -> store().copy(here, target)).as("copy to " + target)
                    .isInstanceOfSatisfying(UnsupportedStoreOperationException.class, e -> assertThat(e.uri()).isEqualTo(target));
        }
        StoreUri back = root().resolve("copy");
        assertThatThrownBy(() -> store().copy(there, back)).as("copy from " + there.uri())
                .isInstanceOfSatisfying(UnsupportedStoreOperationException.class, e -> assertThat(e.uri()).isEqualTo(back));
        assertThat(store().list(root()).objects()).extracting(ObjectInfo::uri).containsExactly(here.uri());
        assertThat(store().list(elsewhere).objects()).extracting(ObjectInfo::uri).containsExactly(there.uri());
        store().delete(there.uri());
    }

    /**
     * A location below {@code dir} whose path measures {@code size} by {@code limit} and keeps within every other
     * of {@code limits}; ASCII only, so bytes and characters count alike.
     */
    private static StoreUri nameMeasuring(StoreUri dir, NameLimit limit, int size, List<NameLimit> limits) {
        int longestSegment = limits.stream().filter(l -> l.measure() == NameLimit.Measure.SEGMENT_BYTES)
                .mapToInt(NameLimit::max).min().orElse(Integer.MAX_VALUE);
        String relative = switch (limit.measure()) {
            case SEGMENT_BYTES -> "n".repeat(size);
            case SEGMENTS -> String.join("/", Collections.nCopies(size - NameLimit.Measure.SEGMENTS.of(dir.path()), "n"));
            case NAME_BYTES, NAME_CHARS -> {
                // Segments of at most 200 characters, so a segment limit is never what is exceeded.
                int remaining = size - dir.path().length() - 1;
                int segment = Math.min(200, longestSegment);
                StringBuilder name = new StringBuilder();
                while (remaining > 0) {
                    int next = Math.min(segment, remaining);
                    if (remaining - next == 1) {
                        next--; // a last segment of 1 needs a separator of its own: 2 characters
                    }
                    name.append("n".repeat(next));
                    remaining -= next;
                    if (remaining > 0) {
                        name.append('/');
                        remaining--;
                    }
                }
                yield name.toString();
            }
        };
        StoreUri uri = dir.resolve(relative);
        assertThat(limit.measure().of(uri.path())).as("the name built for " + limit).isEqualTo(size);
        List<NameLimit> others = limits.stream().filter(l -> !l.equals(limit)).toList();
        assertThatCode(() -> NameLimit.requireWithin(others, uri)).as("the name built for " + limit + " within the others")
                .doesNotThrowAnyException();
        return uri;
    }
}
