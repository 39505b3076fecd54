package dev.laststate.tck;

import static dev.laststate.tck.CheckpointTree.JOB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.laststate.flink.FlinkLayout;
import dev.laststate.flink.Promoter;
import dev.laststate.flink.PromotionRequest;
import dev.laststate.flink.PromotionResult;
import dev.laststate.flink.PromotionStatus;
import dev.laststate.store.Capability;
import dev.laststate.store.CheckpointStore;
import dev.laststate.store.ConditionFailedException;
import dev.laststate.store.ObjectInfo;
import dev.laststate.store.StoreException;
import dev.laststate.store.StoreNotFoundException;
import dev.laststate.store.StoreUri;
import dev.laststate.store.UnsupportedStoreOperationException;
import dev.laststate.store.WriteCondition;
import dev.laststate.store.file.FileCheckpointStore;
import dev.laststate.tck.RecordingCheckpointStore.Operation;
import dev.laststate.verify.FlinkSnapshotRelocator;
import dev.laststate.verify.SnapshotVerifier;
import dev.laststate.verify.Verification;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@link CheckpointStore#readStream} and {@link CheckpointStore#writeStream}: exactly the range and version asked for,
 * checked before the first byte; a write that appears whole or not at all, even when its source breaks off half-way
 * through an object larger than any part or buffer; and promotions into another store (the local file system) and from
 * one, streamed, whose targets verify self-contained. Part of {@link CheckpointStoreTck}.
 */
public interface StreamContract extends TckSupport {

    /** Larger than one part of a multipart upload, a resumable upload's chunk, a staged block or a copy buffer. */
    long LARGE = 20L * 1024 * 1024 + 12_345;

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String utf8(InputStream in) throws IOException {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    default void aStreamReadsExactlyTheRangeAskedForOfTheVersionAskedFor() throws Exception {
        ObjectInfo object = put("dir/object", "0123456789abcdefghij");

        assertThat(utf8(store().readStream(object.uri(), Optional.of(object.version()), 0, object.size())))
                .isEqualTo("0123456789abcdefghij");
        assertThat(utf8(store().readStream(object.uri(), Optional.of(object.version()), 5, 10))).isEqualTo("56789abcde");
        assertThat(utf8(store().readStream(object.uri(), Optional.empty(), 19, 1))).isEqualTo("j");
        assertThat(utf8(store().readStream(object.uri(), Optional.empty(), 7, 0))).as("an empty range").isEmpty();
        try (InputStream in = store().readStream(object.uri(), Optional.empty(), 2, 3)) {
            assertThat(in.readNBytes(3)).isEqualTo(utf8("234"));
            assertThat(in.read()).as("nothing after the range").isEqualTo(-1);
            assertThat(in.read(new byte[4], 0, 4)).isEqualTo(-1);
        }
    }

    @Test
    default void aStreamOfAVersionNoLongerThereIsConditionFailedBeforeAnyByteIsServed() throws Exception {
        ObjectInfo old = put("object", "the old bytes");
        ObjectInfo now = put("object", "the new bytes, longer");
        assertThat(now.version()).isNotEqualTo(old.version());

        assertThatThrownBy(() -> store().readStream(old.uri(), Optional.of(old.version()), 0, old.size()).close())
                .isInstanceOfSatisfying(ConditionFailedException.class, e -> assertThat(e.uri()).isEqualTo(old.uri()));
        assertThat(utf8(store().readStream(now.uri(), Optional.of(now.version()), 4, 3))).isEqualTo("new");
    }

    @Test
    default void aStreamOfAMissingObjectIsNotFoundAndOneBeyondItsEndIsConditionFailed() throws Exception {
        ObjectInfo object = put("object", "ten bytes!");
        StoreUri missing = root().resolve("missing");

        assertThatThrownBy(() -> store().readStream(missing, Optional.empty(), 0, 1).close())
                .isInstanceOfSatisfying(StoreNotFoundException.class, e -> assertThat(e.uri()).isEqualTo(missing));
        assertThatThrownBy(() -> store().readStream(object.uri(), Optional.of(object.version()), 0, 11).close())
                .as("one byte more than it holds").isInstanceOf(ConditionFailedException.class);
        assertThatThrownBy(() -> store().readStream(object.uri(), Optional.empty(), 10, 1).close())
                .as("a range starting at its end").isInstanceOf(ConditionFailedException.class);
        assertThatThrownBy(() -> store().readStream(object.uri(), Optional.empty(), -1, 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store().readStream(object.uri(), Optional.empty(), Long.MAX_VALUE, 1))
                .as("an end beyond what a long counts").isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store().writeStream(root().resolve("w"), InputStream.nullInputStream(), -1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(store().list(root()).objects()).extracting(ObjectInfo::uri).containsExactly(object.uri());
    }

    @Test
    default void aStreamedWriteWritesExactlyItsLengthReplacingWhatWasThere() throws Exception {
        put("dir/sub/object", "what was there before");
        StoreUri uri = root().resolve("dir/sub/object");
        ByteArrayInputStream content = new ByteArrayInputStream(utf8("written, and not this"));

        ObjectInfo written = store().writeStream(uri, content, 8);

        assertThat(text(uri)).isEqualTo("written,");
        assertThat(content.available()).as("the bytes after its length are left unread").isEqualTo(13);
        assertThat(written.size()).isEqualTo(8);
        assertThat(store().stat(uri)).hasValueSatisfying(info -> {
            assertThat(info.size()).isEqualTo(8);
            assertThat(info.version()).isEqualTo(written.version());
        });
        StoreUri parentless = root().resolve("new/dir/empty");
        assertThat(store().writeStream(parentless, InputStream.nullInputStream(), 0).size()).isZero();
        assertThat(store().read(parentless).bytes()).isEmpty();
    }

    @Test
    default void anObjectLargerThanAnyPartOrBufferStreamsInAndOutWhole() throws Exception {
        StoreUri uri = root().resolve("large");
        PatternStream content = PatternStream.of(LARGE);

        ObjectInfo written = store().writeStream(uri, content, LARGE);

        assertThat(content.bytesRead()).isEqualTo(LARGE);
        assertThat(written.size()).isEqualTo(LARGE);
        assertThat(store().stat(uri).orElseThrow().size()).isEqualTo(LARGE);
        try (InputStream in = store().readStream(uri, Optional.of(written.version()), 0, LARGE)) {
            assertThat(PatternStream.differenceFrom(in, 0, LARGE)).isEmpty();
        }
        long offset = 9L * 1024 * 1024 - 7; // across the boundaries of 8 MiB parts, 2 MiB chunks and 4 MiB blocks
        try (InputStream in = store().readStream(uri, Optional.empty(), offset, 8L * 1024 * 1024 + 3)) {
            assertThat(PatternStream.differenceFrom(in, offset, 8L * 1024 * 1024 + 3)).isEmpty();
        }
    }

    @Test
    default void aStreamedWriteWhoseSourceBreaksOffHalfWayWritesNothing() throws Exception {
        ObjectInfo before = put("kept", "the old bytes stay");
        StoreUri fresh = root().resolve("fresh");
        long breaksAt = 9L * 1024 * 1024 + 1; // after one whole part or chunk was sent

        for (StoreUri uri : List.of(before.uri(), fresh)) {
            assertThatThrownBy(() -> store().writeStream(uri, PatternStream.failingAt(LARGE, breaksAt), LARGE))
                    .as("write to %s", uri).isInstanceOfSatisfying(StoreException.class, e -> assertThat(causes(e))
                            .anyMatch(c -> String.valueOf(c.getMessage()).contains("injected by the TCK")));
        }
        assertThatThrownBy(() -> store().writeStream(fresh, new ByteArrayInputStream(utf8("short")), 6))
                .as("content that ends before its length").isInstanceOf(StoreException.class);

        assertThat(text(before.uri())).isEqualTo("the old bytes stay");
        assertThat(store().stat(before.uri()).orElseThrow().version()).isEqualTo(before.version());
        assertThat(store().stat(fresh)).as("nothing, not a part").isEmpty();
        assertThat(objectsBelow(root())).containsOnlyKeys("kept");
    }

    @Test
    @RequiresCapability(Capability.BOUNDED_STREAMS)
    default void aStoreThatStreamsInBoundedMemoryTakesAStreamLargerThanAnyArray() throws Exception {
        long huge = CheckpointStore.MAX_IN_MEMORY_STREAM_BYTES + 1;
        StoreUri uri = root().resolve("huge");
        PatternStream content = PatternStream.failingAt(huge, 3L * 1024 * 1024);

        assertThatThrownBy(() -> store().writeStream(uri, content, huge)).as("not refused: it fails where its content does")
                .isInstanceOfSatisfying(StoreException.class, e -> assertThat(causes(e))
                        .anyMatch(c -> String.valueOf(c.getMessage()).contains("injected by the TCK")))
                .isNotInstanceOf(UnsupportedStoreOperationException.class);
        assertThat(store().stat(uri)).isEmpty();
        ObjectInfo small = put("small", "small");
        assertThatThrownBy(() -> store().readStream(small.uri(), Optional.empty(), 0, huge).close())
                .as("a range that long of a small object is beyond its end").isInstanceOf(ConditionFailedException.class);
    }

    @Test
    @RequiresMissingCapability(Capability.BOUNDED_STREAMS)
    default void aStoreThatPassesStreamsThroughMemoryRefusesOneLargerThanAnyArrayBeforeReadingIt() throws Exception {
        long huge = CheckpointStore.MAX_IN_MEMORY_STREAM_BYTES + 1;
        StoreUri uri = root().resolve("huge");
        PatternStream content = PatternStream.of(huge);

        assertThatThrownBy(() -> store().writeStream(uri, content, huge)).isInstanceOf(UnsupportedStoreOperationException.class);
        assertThat(content.bytesRead()).isZero();
        assertThat(store().stat(uri)).isEmpty();
        ObjectInfo small = put("small", "small");
        assertThatThrownBy(() -> store().readStream(small.uri(), Optional.empty(), 0, huge))
                .isInstanceOf(UnsupportedStoreOperationException.class);
    }

    private static Stream<Throwable> causes(Throwable e) {
        return Stream.iterate(e, t -> t != null, Throwable::getCause);
    }

    /**
     * A relocated promotion from this store into a target on the local file system, and from the local file system
     * into this store: every file streamed through laststate (no copy request), the target self-contained.
     */
    @Test
    default void aRelocatedPromotionIntoAnotherStoreAndFromOneStreamsEveryFile() throws Exception {
        Path local = Files.createTempDirectory("laststate-tck-across");
        try (CheckpointStore files = new FileCheckpointStore()) {
            StoreUri localRoot = StoreUri.parse(local.toUri().toString());
            for (boolean intoLocal : List.of(true, false)) {
                CheckpointStore source = intoLocal ? store() : files;
                CheckpointStore target = intoLocal ? files : store();
                StoreUri checkpoints = (intoLocal ? root() : localRoot).resolve("checkpoints");
                StoreUri lastState = (intoLocal ? localRoot : root()).resolve("dr/" + FlinkLayout.DEFAULT_TARGET);
                CheckpointTree tree = new CheckpointTree(source, checkpoints);
                StoreUri a = tree.sharedFile(JOB, "sst-a", "shared a");
                tree.checkpointReferencing(JOB, 3, 2, List.of(a));
                RecordingCheckpointStore recordedSource = new RecordingCheckpointStore(source);
                RecordingCheckpointStore recordedTarget = new RecordingCheckpointStore(target);

                PromotionResult result = new Promoter(recordedSource).withTargetStore(recordedTarget)
                        .withRelocator(new FlinkSnapshotRelocator())
                        .promote(PromotionRequest.builder(checkpoints, JOB).target(lastState).acrossStores(true).build());

                assertThat(result.status()).as(intoLocal ? "into the local file system" : "from it")
                        .isEqualTo(PromotionStatus.PROMOTED);
                assertThat(recordedSource.count(Operation.COPY) + recordedTarget.count(Operation.COPY)).isZero();
                assertThat(recordedSource.count(Operation.WRITE)).as("nothing written at the source").isZero();
                Verification verification = new SnapshotVerifier(target).verify(lastState);
                assertThat(verification.restorable()).as("missing %s", verification.missing()).isTrue();
                assertThat(verification.selfContained()).isTrue();
                assertThat(verification.files()).hasSize(3);
            }
        } finally {
            try (Stream<Path> walk = Files.walk(local)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Every store keeps writes of whole objects too: a streamed write is replaced by a plain one and back. */
    @Test
    default void aStreamedWriteAndAPlainOneReplaceEachOther() throws Exception {
        StoreUri uri = root().resolve("object");
        store().writeStream(uri, new ByteArrayInputStream(utf8("streamed")), 8);
        ObjectInfo plain = store().write(uri, utf8("plain"), WriteCondition.overwrite());
        assertThat(text(uri)).isEqualTo("plain");
        ObjectInfo streamed = store().writeStream(uri, new ByteArrayInputStream(utf8("streamed again")), 14);
        assertThat(streamed.version()).isNotEqualTo(plain.version());
        assertThat(text(uri)).isEqualTo("streamed again");
    }
}
