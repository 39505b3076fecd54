package dev.laststate.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.laststate.store.ContainerNotFoundException;
import dev.laststate.store.InvalidStoreUriException;
import dev.laststate.store.Listing;
import dev.laststate.store.ObjectInfo;
import dev.laststate.store.StoreUri;
import dev.laststate.store.WriteCondition;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/**
 * The edges of {@link dev.laststate.store.CheckpointStore} that its Javadoc names and every store answers
 * the same way: another scheme, the container root, names no location can hold, a missing container.
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
                "write", () -> store().write(foreign, new byte[1], WriteCondition.overwrite()),
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
                "write", () -> store().write(containerRoot, new byte[1], WriteCondition.overwrite()),
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
        byte[] bytes = "x".getBytes(StandardCharsets.UTF_8);

        for (Map.Entry<String, ThrowingCallable> call : Map.<String, ThrowingCallable>ofEntries(
                Map.entry("list", () -> store().list(object.parent().orElseThrow())),
                Map.entry("stat", () -> store().stat(object)),
                Map.entry("read", () -> store().read(object)),
                Map.entry("write", () -> store().write(object, bytes, WriteCondition.overwrite())),
                Map.entry("write if absent", () -> store().write(object, bytes, WriteCondition.ifAbsent())),
                Map.entry("copy from", () -> store().copy(missingInfo, root().resolve("copy"))),
                Map.entry("copy to", () -> store().copy(listed, object)),
                Map.entry("delete", () -> store().delete(object)),
                Map.entry("deleteAll", () -> store().deleteAll(List.of(object)))).entrySet()) {
            assertThatThrownBy(call.getValue()).as(call.getKey()).isInstanceOfSatisfying(ContainerNotFoundException.class,
                    e -> assertThat(e.uri().authority()).as("the container it names").isEqualTo(object.authority()));
        }
        assertThat(store().list(root()).objects()).extracting(ObjectInfo::uri).containsExactly(listed.uri());
    }
}
