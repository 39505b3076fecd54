package dev.laststate.gcs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.laststate.store.ConditionFailedException;
import dev.laststate.store.ObjectAlreadyExistsException;
import dev.laststate.store.ObjectInfo;
import dev.laststate.store.OutcomeUnknownException;
import dev.laststate.store.StoreException;
import dev.laststate.store.StoreUnavailableException;
import dev.laststate.store.StoreUri;
import dev.laststate.store.WriteCondition;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What the TCK cannot stage, on the real client against {@link FakeGcsServer}: answers lost after the server
 * applied a write, an unreachable server, and the requests the rewrite and listing loops make. The client's
 * retry delays are shortened (milliseconds, not seconds); its retry logic is its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GcsCheckpointStoreTest {

    private static final String BUCKET = "laststate-test";
    private static final int ATTEMPTS = 4;
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private FakeGcsServer server;
    private GcsCheckpointStore store;
    private StoreUri root;

    @BeforeAll
    void startServer() throws Exception {
        server = FakeGcsServer.start(FakeGcsServer.DEFAULT_LIST_PAGE_SIZE, FakeGcsServer.DEFAULT_REWRITE_BYTES_PER_CALL);
        server.createBucket(BUCKET);
        store = EmulatorStore.open(server.endpoint(), ATTEMPTS, TIMEOUT);
    }

    @AfterAll
    void stopServer() {
        server.close();
    }

    @BeforeEach
    void freshRoot() {
        root = StoreUri.parse("gs://" + BUCKET + "/" + UUID.randomUUID());
    }

    @Test
    void aLostAnswerToAConditionalFinalizationIsRecoveredFromTheSession() throws Exception {
        StoreUri uri = root.resolve("_metadata");
        long queriesBefore = server.requestCount("upload.query");

        server.loseTheAnswerToTheNextFinalizationOf(uri.path());
        // Applied, answer lost; the client asks the session, which answers with the object it made.
        ObjectInfo written = store.write(uri, utf8("mine"), WriteCondition.ifAbsent());

        assertThat(server.requestCount("upload.query")).as("status queries").isGreaterThan(queriesBefore);
        assertThat(written.version()).isEqualTo(Long.toString(server.generation(BUCKET, uri.path()).orElseThrow()));
        assertThat(text(uri)).isEqualTo("mine");
        // A later 412 is the condition failing, without a retry in between.
        assertThatThrownBy(() -> store.write(uri, utf8("other"), WriteCondition.ifAbsent()))
                .isInstanceOf(ObjectAlreadyExistsException.class);
    }

    @Test
    void aConditionalWriteWhoseAnswersAreAllLostHasAnUnknownOutcome() throws Exception {
        StoreUri created = root.resolve("created");
        StoreUri replaced = root.resolve("replaced");
        ObjectInfo before = store.write(replaced, utf8("before"), WriteCondition.overwrite());

        server.loseEveryAnswerFromTheNextFinalizationOf(created.path());
        assertThatThrownBy(() -> store.write(created, utf8("mine"), WriteCondition.ifAbsent()))
                .isInstanceOf(OutcomeUnknownException.class).hasMessageContaining("may or may not have taken effect");
        server.loseEveryAnswerFromTheNextFinalizationOf(replaced.path());
        assertThatThrownBy(() -> store.write(replaced, utf8("after"), WriteCondition.ifVersionMatches(before.version())))
                .isInstanceOf(OutcomeUnknownException.class);

        // Both had taken effect: reading back is how a caller learns it.
        assertThat(text(created)).isEqualTo("mine");
        assertThat(text(replaced)).isEqualTo("after");
    }

    @Test
    void aPreconditionFailureIsDefinitiveEvenWhenTheObjectAlreadyHoldsTheSameBytes() throws Exception {
        // Another writer's identical bytes are not this write taking effect: GCS's session would have answered
        // a retry of this upload with the object it made, never with a 412.
        StoreUri uri = root.resolve("same");
        ObjectInfo first = store.write(uri, utf8("same"), WriteCondition.overwrite());
        ObjectInfo second = store.write(uri, utf8("same"), WriteCondition.overwrite());

        assertThatThrownBy(() -> store.write(uri, utf8("same"), WriteCondition.ifAbsent()))
                .isInstanceOf(ObjectAlreadyExistsException.class);
        assertThatThrownBy(() -> store.write(uri, utf8("same"), WriteCondition.ifVersionMatches(first.version())))
                .isInstanceOf(ConditionFailedException.class).isNotInstanceOf(OutcomeUnknownException.class);
        assertThat(store.stat(uri)).hasValueSatisfying(info -> assertThat(info.version()).isEqualTo(second.version()));
    }

    @Test
    void aWriteToAServerThatCannotBeReachedIsUnavailableNotUnknown() throws Exception {
        String endpoint;
        try (FakeGcsServer stopped = FakeGcsServer.start()) {
            endpoint = stopped.endpoint();
        }
        try (GcsCheckpointStore unreachable = EmulatorStore.open(endpoint, ATTEMPTS, TIMEOUT)) {
            assertThatThrownBy(() -> unreachable.write(root.resolve("x"), utf8("x"), WriteCondition.ifAbsent()))
                    .isInstanceOfSatisfying(StoreUnavailableException.class, e -> assertThat(e.retryable()).isTrue())
                    .isNotInstanceOf(OutcomeUnknownException.class);
        }
    }

    @Test
    void aCopyLargerThanOneRewriteCallContinuesWithTheRewriteTokenAndCopiesTheGenerationListed() throws Exception {
        byte[] bytes = new byte[(int) (2.5 * FakeGcsServer.DEFAULT_REWRITE_BYTES_PER_CALL)];
        new java.util.Random(7).nextBytes(bytes);
        ObjectInfo source = store.write(root.resolve("large"), bytes, WriteCondition.overwrite());
        long rewritesBefore = server.requestCount("rewrite");
        long statsBefore = server.requestCount("get");

        ObjectInfo copy = store.copy(source, root.resolve("copy/large"));

        assertThat(server.requestCount("rewrite") - rewritesBefore).as("rewrite calls").isEqualTo(3);
        assertThat(server.requestCount("get")).as("no stat before or after").isEqualTo(statsBefore);
        assertThat(copy.size()).isEqualTo(bytes.length);
        assertThat(copy.version()).isEqualTo(Long.toString(server.generation(BUCKET, copy.uri().path()).orElseThrow()));
        assertThat(store.read(copy.uri()).bytes()).isEqualTo(bytes);
    }

    @Test
    void anObjectLargerThanOneUploadChunkGoesUpInChunksAndAppearsOnlyWhenFinalized() throws Exception {
        StoreUri uri = root.resolve("large");
        byte[] bytes = new byte[17 * 1024 * 1024];
        new java.util.Random(11).nextBytes(bytes);
        long chunksBefore = server.requestCount("upload.chunk");
        long finalizationsBefore = server.requestCount("upload.finalize");

        ObjectInfo written = store.write(uri, bytes, WriteCondition.ifAbsent());

        // One 15 MiB chunk answered 308, then the finalizing rest.
        assertThat(server.requestCount("upload.chunk") - chunksBefore).as("chunks before the last").isEqualTo(1);
        assertThat(server.requestCount("upload.finalize") - finalizationsBefore).as("finalizations").isEqualTo(1);
        assertThat(written.size()).isEqualTo(bytes.length);
        assertThat(store.read(uri).bytes()).isEqualTo(bytes);
    }

    @Test
    void uploadChunksAreTheSizeRoundedUpToTheProtocolsGranuleAndAtMostTheClientsDefault() {
        assertThat(GcsCheckpointStore.uploadChunk(0)).isEqualTo(256 * 1024);
        assertThat(GcsCheckpointStore.uploadChunk(300)).isEqualTo(256 * 1024);
        assertThat(GcsCheckpointStore.uploadChunk(256 * 1024 + 1)).isEqualTo(512 * 1024);
        assertThat(GcsCheckpointStore.uploadChunk(12 * 1024 * 1024)).isEqualTo(12 * 1024 * 1024);
        assertThat(GcsCheckpointStore.uploadChunk(Integer.MAX_VALUE)).isEqualTo(15 * 1024 * 1024);
    }

    @Test
    void aListingReadsEveryPageTheServerCuts() throws Exception {
        for (int i = 0; i < 2 * FakeGcsServer.DEFAULT_LIST_PAGE_SIZE + 10; i++) {
            server.put(BUCKET, root.path() + "/dir/object-" + i, new byte[] {1});
        }
        server.put(BUCKET, root.path() + "/dir/sub/deeper", new byte[] {1});
        long listsBefore = server.requestCount("list");

        var listing = store.list(root.resolve("dir"));

        assertThat(server.requestCount("list") - listsBefore).as("pages").isEqualTo(3);
        assertThat(listing.objects()).hasSize(2 * FakeGcsServer.DEFAULT_LIST_PAGE_SIZE + 10);
        assertThat(listing.directories()).containsExactly("sub");
    }

    /** The store as the provider builds it for an emulator, with the client's retry delays shortened. */
    /** The object's bytes as the UTF-8 text they were written from. */
    private String text(StoreUri uri) throws StoreException {
        return new String(store.read(uri).bytes(), StandardCharsets.UTF_8);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
