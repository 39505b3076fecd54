package dev.laststate.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.storage.common.policy.RequestRetryOptions;
import com.azure.storage.common.policy.RetryPolicyType;
import dev.laststate.store.CheckpointStore;
import dev.laststate.store.ObjectAlreadyExistsException;
import dev.laststate.store.ObjectInfo;
import dev.laststate.store.OutcomeUnknownException;
import dev.laststate.store.StoreException;
import dev.laststate.store.StoreUnavailableException;
import dev.laststate.store.StoreUri;
import dev.laststate.store.WriteCondition;
import dev.laststate.tck.faults.Fault;
import dev.laststate.tck.faults.FaultProxy;
import dev.laststate.tck.faults.Request;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The store on Azurite behind a {@link FaultProxy}: a conditional write whose answer is lost, and answers that
 * are reset, cut off, stripped of a header, stalled or replaced by a server error. Each fails the operation
 * with a {@link StoreException} naming the location, never with an unchecked exception. Two tries with
 * millisecond backoff and a one-second response time-out keep the faults quick.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AzuriteFaultTest {

    private static final String CONTAINER = "faults";
    private static final String BASE = "abfss://" + CONTAINER + "@" + Azurite.ACCOUNT + ".dfs.core.windows.net/";
    private static final Duration TIMEOUT = Duration.ofSeconds(1);

    private final AtomicInteger roots = new AtomicInteger();
    private Azurite azurite;
    private FaultProxy proxy;
    private CheckpointStore store;

    @BeforeAll
    void start() throws Exception {
        azurite = Azurite.start();
        new com.azure.storage.blob.BlobServiceClientBuilder().connectionString(azurite.connectionString()).buildClient()
                .createBlobContainer(CONTAINER);
        proxy = FaultProxy.start(URI.create("http://127.0.0.1:" + azurite.port()));
        // The development account's path-style endpoint through the proxy.
        URI endpoint = URI.create(proxy.endpoint() + "/" + Azurite.ACCOUNT);
        AzureStoreConfig config = new AzureStoreConfig(Optional.of(endpoint), AzureStoreConfig.SYNC_COPY_LIMIT);
        store = new AzureCheckpointStore(config, AzureCredentials.fromEnvironment(azurite.environment()),
                new JdkHttpClientBuilder().responseTimeout(TIMEOUT).readTimeout(TIMEOUT).build(), AzureCheckpointStore.LIST_PAGE_SIZE,
                new RequestRetryOptions(RetryPolicyType.EXPONENTIAL, 2, Duration.ofSeconds(10), Duration.ofMillis(10), Duration.ofMillis(20), null));
    }

    @AfterEach
    void clearFaults() {
        proxy.clear();
    }

    @AfterAll
    void stop() throws Exception {
        try (Azurite a = azurite; FaultProxy p = proxy) {
            if (store != null) {
                store.close();
            }
        }
    }

    private StoreUri freshRoot() {
        return StoreUri.parse(BASE + "root-" + roots.incrementAndGet());
    }

    // ---------------------------------------------------------------- a lost answer to a conditional write

    @Test
    void aCreateIfAbsentWhoseAnswerIsLostIsAnUnknownOutcomeNotALostRace() throws Exception {
        StoreUri uri = freshRoot().resolve("_metadata");
        proxy.inject(PUT_BLOB, Fault.loseAnswer(), 1);

        // Azurite creates the blob, the answer is reset, the SDK retries and If-None-Match: * is refused (409).
        assertThatThrownBy(() -> store.write(uri, utf8("mine"), WriteCondition.ifAbsent()))
                .isInstanceOfSatisfying(OutcomeUnknownException.class, e -> assertThat(e.uri()).isEqualTo(uri))
                .hasMessageContaining("after the client retried");
        assertThat(proxy.requests()).filteredOn(PUT_BLOB).as("the first try and the SDK's retry").hasSize(2);
        assertThat(store.read(uri).bytes()).isEqualTo(utf8("mine"));

        // Without a retry the same refusal is a plain "already exists".
        assertThatThrownBy(() -> store.write(uri, utf8("other"), WriteCondition.ifAbsent())).isInstanceOf(ObjectAlreadyExistsException.class);
    }

    @Test
    void aReplaceIfVersionMatchesWhoseAnswerIsLostIsAnUnknownOutcomeNotALostRace() throws Exception {
        StoreUri uri = freshRoot().resolve("_laststate.json");
        ObjectInfo before = store.write(uri, utf8("first"), WriteCondition.overwrite());
        proxy.clear();
        proxy.inject(PUT_BLOB, Fault.loseAnswer(), 1);

        // The first try replaces it (a new ETag), so the retry's If-Match on the old ETag is refused (412).
        assertThatThrownBy(() -> store.write(uri, utf8("second"), WriteCondition.ifVersionMatches(before.version())))
                .isInstanceOfSatisfying(OutcomeUnknownException.class, e -> assertThat(e.uri()).isEqualTo(uri))
                .hasMessageContaining("after the client retried");
        assertThat(proxy.requests()).filteredOn(PUT_BLOB).hasSize(2);
        assertThat(store.read(uri).bytes()).isEqualTo(utf8("second"));

        assertThatThrownBy(() -> store.write(uri, utf8("third"), WriteCondition.ifVersionMatches(before.version())))
                .isInstanceOf(dev.laststate.store.ConditionFailedException.class).isNotInstanceOf(OutcomeUnknownException.class);
    }

    // ---------------------------------------------------------------- malformed and cut-off answers

    /** An operation under test: the requests it sends, and the call (the location it must name in its failure). */
    private record Operation(String name, Predicate<Request> sends, Call call) {
        @Override
        public String toString() {
            return name;
        }
    }

    @FunctionalInterface
    private interface Call {
        /** Seeds what the call needs (without faults), then returns the call and the location its failure names. */
        Staged stage(CheckpointStore store, StoreUri root) throws Exception;
    }

    private record Staged(StoreUri location, ThrowingCallable call) {}

    /** Requests that write a blob with Put Blob (not a copy). */
    private static final Predicate<Request> PUT_BLOB = r -> r.method().equals("PUT") && r.header("x-ms-copy-source").isEmpty()
            && !r.hasQuery("restype=") && !r.hasQuery("comp=");
    private static final Predicate<Request> LIST = r -> r.method().equals("GET") && r.hasQuery("comp=list");
    private static final Predicate<Request> HEAD = r -> r.method().equals("HEAD");
    private static final Predicate<Request> GET_BLOB = r -> r.method().equals("GET") && !r.hasQuery("comp=");
    private static final Predicate<Request> COPY = r -> r.method().equals("PUT") && r.header("x-ms-copy-source").isPresent();
    private static final Predicate<Request> DELETE = r -> r.method().equals("DELETE");

    private static final Operation LIST_OP = new Operation("list", LIST, (store, root) -> {
        store.write(root.resolve("dir/object"), utf8("o"), WriteCondition.overwrite());
        StoreUri dir = root.resolve("dir");
        return new Staged(dir, () -> store.list(dir));
    });
    private static final Operation STAT = new Operation("stat", HEAD, (store, root) -> {
        StoreUri uri = store.write(root.resolve("object"), utf8("object"), WriteCondition.overwrite()).uri();
        return new Staged(uri, () -> store.stat(uri));
    });
    private static final Operation READ = new Operation("read", GET_BLOB, (store, root) -> {
        StoreUri uri = store.write(root.resolve("object"), utf8("the object's bytes"), WriteCondition.overwrite()).uri();
        return new Staged(uri, () -> store.read(uri));
    });
    private static final Operation READ_HEAD = new Operation("read of the first bytes", GET_BLOB, (store, root) -> {
        StoreUri uri = store.write(root.resolve("object"), utf8("the object's bytes"), WriteCondition.overwrite()).uri();
        return new Staged(uri, () -> store.read(uri, 8));
    });
    private static final Operation WRITE = new Operation("write", PUT_BLOB, (store, root) -> {
        StoreUri uri = root.resolve("object");
        return new Staged(uri, () -> store.write(uri, utf8("new"), WriteCondition.overwrite()));
    });
    private static final Operation WRITE_IF_ABSENT = new Operation("write if absent", PUT_BLOB, (store, root) -> {
        StoreUri uri = root.resolve("object");
        return new Staged(uri, () -> store.write(uri, utf8("new"), WriteCondition.ifAbsent()));
    });
    private static final Operation COPY_OP = new Operation("copy", COPY, (store, root) -> {
        ObjectInfo source = store.write(root.resolve("source"), utf8("source"), WriteCondition.overwrite());
        StoreUri target = root.resolve("target");
        return new Staged(target, () -> store.copy(source, target));
    });
    private static final Operation DELETE_OP = new Operation("delete", DELETE, (store, root) -> {
        StoreUri uri = store.write(root.resolve("object"), utf8("object"), WriteCondition.overwrite()).uri();
        return new Staged(uri, () -> store.delete(uri));
    });

    static Stream<Arguments> faults() {
        List<Arguments> cases = new ArrayList<>();
        List<Operation> all = List.of(LIST_OP, STAT, READ, READ_HEAD, WRITE, WRITE_IF_ABSENT, COPY_OP, DELETE_OP);
        for (Operation operation : all) {
            cases.add(Arguments.of(operation, Fault.reset(), true));
            cases.add(Arguments.of(operation, Fault.loseAnswer(), true));
            cases.add(Arguments.of(operation, Fault.stall(), true));
            cases.add(Arguments.of(operation, serverError(500), true));
            cases.add(Arguments.of(operation, serverError(503), true));
        }
        // Answers with a body: cut short of the length they announce.
        for (Operation operation : List.of(LIST_OP, READ, READ_HEAD)) {
            cases.add(Arguments.of(operation, Fault.cutBody(), true));
        }
        // What the store needs of the headers: the ETag (the version) of every answer that describes an object,
        // the Content-Length of a stat (the size) and of a read (how long the body must be).
        for (Operation operation : List.of(STAT, READ, READ_HEAD, WRITE, WRITE_IF_ABSENT, COPY_OP)) {
            cases.add(Arguments.of(operation, Fault.dropHeader("ETag"), false));
        }
        for (Operation operation : List.of(STAT, READ, READ_HEAD)) {
            cases.add(Arguments.of(operation, Fault.dropHeader("Content-Length"), false));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("faults")
    void aSpoiledAnswerIsAStoreFailureNamingTheLocation(Operation operation, Fault fault, boolean retryable) throws Exception {
        Staged staged = operation.call().stage(store, freshRoot());
        proxy.inject(operation.sends(), fault);

        assertThatThrownBy(staged.call()).isInstanceOfSatisfying(StoreException.class, e -> {
            assertThat(e.uri()).as("the location").isEqualTo(staged.location());
            assertThat(e.getMessage()).contains(staged.location().toString()).doesNotContain("sig=");
            if (retryable) {
                assertThat(e.retryable()).as("%s: %s", e.getClass().getSimpleName(), e.getMessage()).isTrue();
            }
        });
        assertThat(proxy.requests()).filteredOn(operation.sends()).as("the operation's requests reached the proxy").isNotEmpty();
    }

    // ---------------------------------------------------------------- streamed reads and writes

    /** Two whole blocks and part of a third. */
    private static final int LARGE = 2 * AzureCheckpointStore.STREAM_BLOCK + 1_234_567;
    private static final Predicate<Request> STAGE_BLOCK = r -> r.method().equals("PUT") && r.hasQuery("comp=block&")
            || r.method().equals("PUT") && r.target().endsWith("comp=block");
    private static final Predicate<Request> COMMIT_BLOCKS = r -> r.method().equals("PUT") && r.hasQuery("comp=blocklist");

    @Test
    void aStreamedWriteStagesItsBlocksAndCommitsTheirListOnceAndASmallOneIsOnePutBlob() throws Exception {
        StoreUri uri = freshRoot().resolve("large");
        byte[] bytes = random(LARGE);

        ObjectInfo written = store.writeStream(uri, new ByteArrayInputStream(bytes), LARGE);

        assertThat(proxy.requests()).filteredOn(r -> r.method().equals("PUT")).extracting(r -> COMMIT_BLOCKS.test(r) ? "commit" : "stage")
                .containsExactly("stage", "stage", "stage", "commit");
        assertThat(proxy.requests()).filteredOn(COMMIT_BLOCKS).singleElement()
                .satisfies(r -> assertThat(r.header("If-Match").or(() -> r.header("If-None-Match"))).as("overwrite").isEmpty());
        assertThat(store.stat(uri).orElseThrow().version()).isEqualTo(written.version());
        try (InputStream in = store.readStream(uri, Optional.of(written.version()), 0, LARGE)) {
            assertThat(in.readAllBytes()).isEqualTo(bytes);
        }

        proxy.clear();
        store.writeStream(uri, new ByteArrayInputStream(bytes), AzureCheckpointStore.STREAM_BLOCK);
        assertThat(proxy.requests()).filteredOn(r -> r.method().equals("PUT")).singleElement().matches(PUT_BLOB);
    }

    @Test
    void aStreamedReadCutOffHalfWayIsResumedAtItsETagOrFailsTheStream() throws Exception {
        StoreUri uri = freshRoot().resolve("large");
        byte[] bytes = random(LARGE);
        ObjectInfo written = store.writeStream(uri, new ByteArrayInputStream(bytes), LARGE);
        proxy.clear();
        proxy.inject(GET_BLOB, Fault.cutBody(), 1);

        try (InputStream in = store.readStream(uri, Optional.empty(), 0, LARGE)) {
            assertThat(in.readAllBytes()).isEqualTo(bytes);
        }
        List<Request> downloads = proxy.requests().stream().filter(GET_BLOB).toList();
        assertThat(downloads.get(0).header("x-ms-range")).as("the first block").contains("bytes=0-" + (AzureCheckpointStore.STREAM_BLOCK - 1));
        assertThat(downloads).as("the resumption of the cut block, and two more blocks").hasSize(4);
        assertThat(downloads.subList(1, downloads.size())).as("every later download carries the ETag of the first answer")
                .allSatisfy(r -> assertThat(r.header("If-Match")).contains(written.version()));

        proxy.clear();
        InputStream in = store.readStream(uri, Optional.of(written.version()), 0, LARGE);
        proxy.inject(GET_BLOB, serverError(503));
        Throwable failure = catchThrowable(in::readAllBytes);
        in.close();
        assertThat(failure).isInstanceOfSatisfying(StoreUnavailableException.class, e -> assertThat(e.uri()).isEqualTo(uri));
    }

    @Test
    void aBlockListThatCannotBeCommittedLeavesTheOldBlob() throws Exception {
        StoreUri uri = freshRoot().resolve("object");
        ObjectInfo before = store.write(uri, utf8("the old bytes"), WriteCondition.overwrite());
        proxy.inject(COMMIT_BLOCKS, serverError(500));

        Throwable failure = catchThrowable(() -> store.writeStream(uri, new ByteArrayInputStream(random(LARGE)), LARGE));

        assertThat(failure).isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.uri()).isEqualTo(uri));
        proxy.clear();
        assertThat(store.stat(uri).orElseThrow().version()).isEqualTo(before.version());
        assertThat(store.read(uri).bytes()).isEqualTo(utf8("the old bytes"));
    }

    @Test
    void aStreamedWriteWhoseContentBreaksOffCommitsNothing() throws Exception {
        StoreUri uri = freshRoot().resolve("fresh");
        byte[] bytes = random(LARGE);
        InputStream breaking = new ByteArrayInputStream(bytes) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                if (pos >= AzureCheckpointStore.STREAM_BLOCK + 1) {
                    throw new UncheckedIOException(new IOException("the content broke off"));
                }
                return super.read(b, off, Math.min(len, AzureCheckpointStore.STREAM_BLOCK + 1 - pos));
            }
        };

        assertThatThrownBy(() -> store.writeStream(uri, breaking, LARGE)).isInstanceOf(StoreException.class)
                .hasRootCauseMessage("the content broke off");
        assertThat(proxy.requests()).filteredOn(r -> r.method().equals("PUT")).as("one block staged, no list committed").hasSize(1)
                .noneMatch(COMMIT_BLOCKS);
        assertThat(store.stat(uri)).isEmpty();
    }

    private static byte[] random(int length) {
        byte[] bytes = new byte[length];
        new Random(length).nextBytes(bytes);
        return bytes;
    }

    /** Answers {@code status} with a storage error body in Azurite's place (ServerBusy for 503), without forwarding. */
    private static Fault serverError(int status) {
        String code = status == 503 ? "ServerBusy" : "InternalError";
        return Fault.answer(status, "application/xml", "<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>" + code
                + "</Code><Message>injected by the test</Message></Error>", List.of("x-ms-error-code: " + code), "answer " + status);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
