package dev.laststate.gcs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.laststate.store.ConditionFailedException;
import dev.laststate.store.ObjectContent;
import dev.laststate.store.ObjectInfo;
import dev.laststate.store.OutcomeUnknownException;
import dev.laststate.store.StoreException;
import dev.laststate.store.StoreUnavailableException;
import dev.laststate.store.StoreUri;
import dev.laststate.store.WriteCondition;
import dev.laststate.tck.faults.Fault;
import dev.laststate.tck.faults.FaultProxy;
import dev.laststate.tck.faults.Request;
import dev.laststate.tck.faults.SeededObjects;
import dev.laststate.tck.faults.StoreFailures;
import dev.laststate.tck.faults.StoreFailures.Call;
import dev.laststate.tck.faults.StoreFailures.FaultedOperation;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Malformed and cut-off answers are store failures: with {@link FaultProxy} between the real google-cloud-storage
 * client and {@link FakeGcsServer}, every operation meets a reset connection, a stall past the client's read
 * timeout, 500 and 503 on every attempt, a body cut short, a truncated JSON and answers without the fields the
 * store needs ({@code generation}, {@code size}, the times, {@code name}), and fails with a {@link StoreException}
 * subtype naming its location, never an unchecked exception. Where the fault kept the request from the server,
 * storage is unchanged; where a change reached it, the failure is an {@link OutcomeUnknownException}, never one
 * that claims nothing happened. Short timeouts, two attempts and millisecond backoff keep it fast.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GcsFaultsTest {

    private static final String BUCKET = "laststate-faults";
    private static final Duration TIMEOUT = Duration.ofMillis(300);
    private static final Duration LARGE_TIMEOUT = Duration.ofSeconds(10);
    private FakeGcsServer server;
    private FaultProxy proxy;
    /** The store under test, through the proxy. */
    private GcsCheckpointStore faulty;
    /** The same storage without faults, to set up and check. */
    private GcsCheckpointStore direct;
    /** The two stores with a time-out for answers about tens of MiB (a finalization hashes the whole object). */
    private GcsCheckpointStore faultyLarge;
    private GcsCheckpointStore directLarge;
    private final AtomicInteger roots = new AtomicInteger();
    private SeededObjects seeded;

    @BeforeAll
    void start() throws Exception {
        server = FakeGcsServer.start();
        server.createBucket(BUCKET);
        proxy = FaultProxy.start(URI.create(server.endpoint()));
        faulty = EmulatorStore.open(proxy.endpoint().toString(), 2, TIMEOUT);
        direct = EmulatorStore.open(server.endpoint(), 2, TIMEOUT);
        faultyLarge = EmulatorStore.open(proxy.endpoint().toString(), 2, LARGE_TIMEOUT);
        directLarge = EmulatorStore.open(server.endpoint(), 2, LARGE_TIMEOUT);
    }

    @AfterAll
    void stop() throws Exception {
        try (FakeGcsServer s = server; FaultProxy p = proxy) {
            // closed in reverse order
        }
    }

    /** Each test (each case of a parameterized one) starts without a fault, on objects seeded under a fresh root. */
    @BeforeEach
    void clearAndSeed() throws Exception {
        proxy.clear();
        seeded = SeededObjects.seed(direct, StoreUri.parse("gs://" + BUCKET + "/faults/root-" + roots.getAndIncrement()));
    }

    /** One operation of the store under faults, and what a correct answer is, read without faults once it returned. */
    record Operation(FaultedOperation faulted, Call truth) {
        Operation(String name, Call call, List<StoreUri> locations, boolean mutating, Call truth) {
            this(new FaultedOperation(name, call, locations, mutating), truth);
        }

        Call call() {
            return faulted.call();
        }

        boolean mutating() {
            return faulted.mutating();
        }
    }

    private Operation operation(String name) {
        ObjectInfo source = seeded.source();
        ObjectInfo other = seeded.other();
        StoreUri dir = seeded.dir();
        StoreUri target = seeded.root().resolve("copies/target");
        StoreUri fresh = seeded.fresh();
        return switch (name) {
            case "list" -> new Operation("list", () -> faulty.list(dir), List.of(dir), false, () -> direct.list(dir));
            case "stat" -> new Operation("stat", () -> faulty.stat(source.uri()), List.of(source.uri()), false, () -> direct.stat(source.uri()));
            case "read" -> new Operation("read", () -> content(faulty.read(source.uri())), List.of(source.uri()), false,
                    () -> content(direct.read(source.uri())));
            case "read first bytes" -> new Operation("read first bytes", () -> content(faulty.read(source.uri(), 4)), List.of(source.uri()), false,
                    () -> content(direct.read(source.uri(), 4)));
            case "overwrite" -> new Operation("overwrite", () -> faulty.write(other.uri(), utf8("replaced"), WriteCondition.overwrite()),
                    List.of(other.uri()), true, () -> direct.stat(other.uri()).orElseThrow());
            case "write if absent" -> new Operation("write if absent", () -> faulty.write(fresh, utf8("new"), WriteCondition.ifAbsent()), List.of(fresh), true,
                    () -> direct.stat(fresh).orElseThrow());
            case "write if version matches" -> new Operation("write if version matches", () -> faulty.write(other.uri(), utf8("replaced"),
                    WriteCondition.ifVersionMatches(other.version())), List.of(other.uri()), true, () -> direct.stat(other.uri()).orElseThrow());
            case "copy" -> new Operation("copy", () -> faulty.copy(source, target), List.of(source.uri(), target), true,
                    () -> direct.stat(target).orElseThrow());
            case "delete" -> new Operation("delete", () -> {
                faulty.delete(other.uri());
                return "deleted";
            }, List.of(other.uri()), true, () -> direct.stat(other.uri()).isEmpty() ? "deleted" : "still there");
            default -> throw new IllegalArgumentException(name);
        };
    }

    private static final List<String> EVERY_OPERATION = List.of("list", "stat", "read", "read first bytes", "overwrite",
            "write if absent", "write if version matches", "copy", "delete");
    /** The operations whose answers carry a body to spoil (a delete is answered 204, without one). */
    private static final List<String> ANSWERED_WITH_A_BODY = EVERY_OPERATION.subList(0, EVERY_OPERATION.size() - 1);

    static Stream<Arguments> faultsThatNeverReachTheServer() {
        return Stream.of(Fault.reset(), Fault.stall(), GcsFaults.status(500), GcsFaults.status(503))
                .flatMap(fault -> EVERY_OPERATION.stream().map(operation -> Arguments.of(fault, operation)));
    }

    static Stream<Arguments> spoiledAnswers() {
        return Stream.of(Fault.cutBody(), GcsFaults.truncateJson(), GcsFaults.dropFields("generation"), GcsFaults.dropFields("size"),
                        GcsFaults.dropFields("updated", "timeCreated"), GcsFaults.dropFields("name"), GcsFaults.dropFields("bucket"))
                .flatMap(fault -> ANSWERED_WITH_A_BODY.stream().map(operation -> Arguments.of(fault, operation)));
    }

    @ParameterizedTest(name = "{1}: {0}")
    @MethodSource("faultsThatNeverReachTheServer")
    void aFaultBeforeTheServerIsAStoreFailureNamingTheLocationAndChangesNothing(Fault fault, String name) throws Exception {
        Operation operation = operation(name);
        proxy.inject(fault);

        StoreException failure = failsAsStoreException(operation);

        assertThat(proxy.faultedExchanges()).as("the fault reached the proxy").isPositive();
        if (fault instanceof Fault.Answer) {
            // Retried by the SDK, then final: unavailable, or for a change that may have been applied, unknown.
            assertThat(failure.retryable()).as("retryable").isTrue();
            if (!operation.mutating()) {
                assertThat(failure).isInstanceOf(StoreUnavailableException.class);
            }
        }
        proxy.clear();
        assertUnchanged();
    }

    @ParameterizedTest(name = "{1}: {0}")
    @MethodSource("spoiledAnswers")
    void aSpoiledAnswerIsAStoreFailureNamingTheLocationOrTheCorrectAnswer(Fault fault, String name) throws Exception {
        Operation operation = operation(name);
        proxy.inject(fault);

        Object answer;
        try {
            answer = operation.call().run();
        } catch (Exception e) {
            answer = e;
        }

        proxy.clear();
        if (!(answer instanceof Throwable)) {
            // The SDK found what it needed elsewhere in the answer (the object's id holds its generation): then the
            // answer must be exactly right, never a default in place of what was missing.
            assertThat(answer).as("the answer despite %s", fault).isEqualTo(operation.truth().run());
            return;
        }
        StoreException failure = failsAsStoreException(operation, (Throwable) answer);
        if (operation.mutating() && !unchanged()) {
            assertThat(failure).as("a change that reached the server, answered badly").isInstanceOf(OutcomeUnknownException.class);
        }
    }

    @Test
    void aListingWhosePageTokenRepeatsIsAStoreFailure() throws Exception {
        proxy.inject(listing(), GcsFaults.answer("{\"kind\":\"storage#objects\",\"nextPageToken\":\"again\"}", "a token that repeats"));

        failsAsStoreException(operation("list"));
        assertThat(proxy.faultedExchanges()).as("pages asked").isEqualTo(2);
    }

    @Test
    void aListingEntryThatIsNotAnObjectIsAStoreFailure() throws Exception {
        proxy.inject(listing(), GcsFaults.answer("{\"kind\":\"storage#objects\",\"items\":[{\"kind\":\"storage#object\"}]}", "an empty item"));

        failsAsStoreException(operation("list"));
    }

    @Test
    void anUploadSessionWithoutItsLocationIsAStoreFailureAndWritesNothing() throws Exception {
        proxy.inject(r -> r.method().equals("POST") && r.target().contains("uploadType=resumable"), Fault.dropHeader("Location"));
        for (String name : List.of("overwrite", "write if absent", "write if version matches")) {
            failsAsStoreException(operation(name));
        }
        proxy.clear();
        assertUnchanged();
    }

    @Test
    void aRewriteThatIsNeitherDoneNorContinuedIsAStoreFailureWithoutLooping() throws Exception {
        proxy.inject(rewrite(), GcsFaults.answer("{\"kind\":\"storage#rewriteResponse\",\"done\":false,\"totalBytesRewritten\":\"0\","
                + "\"objectSize\":\"40\"}", "no rewrite token"));

        failsAsStoreException(operation("copy"));
        assertThat(proxy.faultedExchanges()).as("rewrite calls").isLessThanOrEqualTo(1 + Rewrites.MAX_CALLS_WITHOUT_PROGRESS);
        proxy.clear();
        assertUnchanged();
    }

    @Test
    void aRewriteDoneWithoutTheCopyIsAnUnknownOutcome() throws Exception {
        proxy.inject(rewrite(), GcsFaults.dropFields("resource"));

        assertThat(failsAsStoreException(operation("copy"))).isInstanceOf(OutcomeUnknownException.class);
    }

    @Test
    void aDownloadWithoutItsHeadersIsTheBytesOrAStoreFailureNeverOtherBytes() throws Exception {
        ObjectInfo source = seeded.source();
        byte[] bytes = utf8(text(source));
        for (String header : List.of("x-goog-generation", "Content-Length", "Content-Range", "x-goog-hash", "Content-Type")) {
            proxy.inject(r -> r.target().contains("alt=media"), Fault.dropHeader(header));
            for (int limit : new int[] {Integer.MAX_VALUE, 4}) {
                Throwable failure = catchThrowable(() -> assertThat(faulty.read(source.uri(), limit).bytes())
                        .isEqualTo(Arrays.copyOf(bytes, Math.min(bytes.length, limit))));
                assertThat(failure).as("read %d without %s", limit, header).satisfiesAnyOf(t -> assertThat(t).isNull(),
                        t -> assertThat(t).isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.uri()).isEqualTo(source.uri())));
            }
        }
    }

    // ---------------------------------------------------------------- streamed reads and writes

    /** Larger than the store's read chunk, and than two of its upload chunks: three chunks, the last partial. */
    private static final int LARGE = 2 * GcsCheckpointStore.STREAM_CHUNK + 1_234_567;

    @Test
    void aShortStreamedRangeIsOneRangedDownloadCarryingTheVersionAsItsCondition() throws Exception {
        ObjectInfo source = seeded.source();
        byte[] bytes = utf8(text(source));

        try (InputStream in = faultyLarge.readStream(source.uri(), Optional.of(source.version()), 2, 5)) {
            assertThat(proxy.requests()).as("sent before the stream is returned").singleElement().satisfies(request -> {
                assertThat(request.method()).isEqualTo("GET");
                assertThat(request.hasQuery("alt=media")).isTrue();
                assertThat(request.hasQuery("ifGenerationMatch=" + source.version())).isTrue();
                assertThat(request.header("Range")).contains("bytes=2-6");
            });
            assertThat(in.readAllBytes()).isEqualTo(Arrays.copyOfRange(bytes, 2, 7));
        }
        assertThat(proxy.requests()).hasSize(1);
    }

    @Test
    void aLongStreamedRangeIsAStatAndOneRangedDownloadOfTheGenerationItNames() throws Exception {
        byte[] bytes = random(LARGE);
        ObjectInfo large = directLarge.writeStream(seeded.root().resolve("large"), new ByteArrayInputStream(bytes), LARGE);
        long offset = 3 * 1024 * 1024 + 5;
        int length = 9 * 1024 * 1024;

        try (InputStream in = faultyLarge.readStream(large.uri(), Optional.empty(), offset, length)) {
            assertThat(proxy.requests()).as("sent before the stream is returned").hasSize(2);
            assertThat(proxy.requests().get(0).hasQuery("alt=media")).as("a stat").isFalse();
            Request download = proxy.requests().get(1);
            assertThat(download.hasQuery("alt=media")).isTrue();
            assertThat(download.hasQuery("generation=" + large.version())).isTrue();
            assertThat(download.header("Range")).contains("bytes=" + offset + "-" + (offset + length - 1));
            assertThat(in.readAllBytes()).isEqualTo(Arrays.copyOfRange(bytes, (int) offset, (int) offset + length));
        }
        assertThat(proxy.requests()).as("the range in one answer").hasSize(2);
    }

    @Test
    void aDownloadCutOffMidStreamIsResumedAtTheSameGenerationOrFailsTheStream() throws Exception {
        byte[] bytes = random(LARGE);
        ObjectInfo large = directLarge.writeStream(seeded.root().resolve("large"), new ByteArrayInputStream(bytes), LARGE);
        proxy.inject(media(), Fault.cutBody(), 1);

        try (InputStream in = faultyLarge.readStream(large.uri(), Optional.of(large.version()), 0, LARGE)) {
            assertThat(in.readAllBytes()).isEqualTo(bytes);
        }
        List<Request> downloads = proxy.requests().stream().filter(media()).toList();
        assertThat(downloads).as("the cut answer and the resumption").hasSize(2);
        assertThat(downloads.get(1).hasQuery("generation=" + large.version())).isTrue();
        assertThat(downloads.get(1).header("Range").orElseThrow()).isNotEqualTo("bytes=0-" + (LARGE - 1)).startsWith("bytes=");

        proxy.clear();
        proxy.inject(media(), Fault.cutBody(), 1);
        InputStream in = faultyLarge.readStream(large.uri(), Optional.of(large.version()), 0, LARGE);
        // The first answer is cut half-way; every resumption fails.
        proxy.inject(media(), GcsFaults.status(503));
        Throwable failure = catchThrowable(in::readAllBytes);
        in.close();
        assertThat(failure).isInstanceOfSatisfying(StoreUnavailableException.class, e -> assertThat(e.uri()).isEqualTo(large.uri()));
    }

    @Test
    void aStreamedRangeOfAVersionReplacedBeforeTheDownloadIsConditionFailed() throws Exception {
        ObjectInfo other = seeded.other();
        directLarge.write(other.uri(), utf8("replaced"), WriteCondition.overwrite());

        assertThat(catchThrowable(() -> faultyLarge.readStream(other.uri(), Optional.of(other.version()), 0, 3)))
                .isInstanceOf(ConditionFailedException.class);
        assertThat(proxy.requests()).as("one conditional download, no stat").hasSize(1);
    }

    @Test
    void aStreamedWriteIsAResumableUploadInChunksFinalizedByTheLast() throws Exception {
        byte[] bytes = random(LARGE);
        StoreUri uri = seeded.fresh();

        ObjectInfo written = faultyLarge.writeStream(uri, new ByteArrayInputStream(bytes), LARGE);

        int chunk = GcsCheckpointStore.STREAM_CHUNK;
        assertThat(proxy.requests()).extracting(r -> r.method() + " " + r.header("Content-Range").orElse("")).containsExactly(
                "POST ", "PUT bytes 0-" + (chunk - 1) + "/*", "PUT bytes " + chunk + "-" + (2 * chunk - 1) + "/*",
                "PUT bytes " + 2 * chunk + "-" + (LARGE - 1) + "/" + LARGE);
        assertThat(proxy.requests().get(0).hasQuery("uploadType=resumable")).isTrue();
        assertThat(written.size()).isEqualTo(LARGE);
        assertThat(directLarge.read(uri).bytes()).isEqualTo(bytes);
        assertThat(directLarge.stat(uri).orElseThrow().version()).isEqualTo(written.version());
    }

    static Stream<Fault> chunkFaults() {
        return Stream.of(Fault.reset(), Fault.loseAnswer(), GcsFaults.status(503));
    }

    /**
     * The client's default retry strategy retries an upload's requests only when the upload has a precondition (it
     * then counts as idempotent); an unconditional streamed write sends each once. A chunk that fails fails the write
     * before anything is finalized: unavailable, not an unknown outcome, and what was there stays.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("chunkFaults")
    void aChunkThatFailsFailsTheStreamedWriteBeforeAnythingIsFinalized(Fault fault) throws Exception {
        ObjectInfo other = seeded.other();
        proxy.inject(chunkFrom(GcsCheckpointStore.STREAM_CHUNK), fault);

        Throwable failure = catchThrowable(() -> faultyLarge.writeStream(other.uri(), new ByteArrayInputStream(random(LARGE)), LARGE));

        assertThat(failure).isInstanceOfSatisfying(StoreUnavailableException.class, e -> assertThat(e.uri()).isEqualTo(other.uri()));
        assertThat(proxy.requests().stream().filter(chunkFrom(GcsCheckpointStore.STREAM_CHUNK))).as("sent once").hasSize(1);
        assertThat(proxy.requests()).noneMatch(finalizing());
        proxy.clear();
        assertUnchanged();
    }

    @Test
    void aFinalizationThatFailsOrWhoseAnswerIsLostIsAnUnknownOutcome() throws Exception {
        byte[] bytes = random(LARGE);
        ObjectInfo other = seeded.other();
        proxy.inject(finalizing(), GcsFaults.status(503));

        Throwable refused = catchThrowable(() -> faultyLarge.writeStream(other.uri(), new ByteArrayInputStream(bytes), LARGE));
        assertThat(refused).isInstanceOfSatisfying(OutcomeUnknownException.class, e -> assertThat(e.uri()).isEqualTo(other.uri()));
        proxy.clear();
        assertUnchanged();

        proxy.inject(finalizing(), Fault.loseAnswer(), 1);
        Throwable lost = catchThrowable(() -> faultyLarge.writeStream(other.uri(), new ByteArrayInputStream(bytes), LARGE));
        assertThat(lost).isInstanceOfSatisfying(OutcomeUnknownException.class, e -> assertThat(e.uri()).isEqualTo(other.uri()));
        assertThat(directLarge.read(other.uri()).bytes()).as("finalized before the answer was lost").isEqualTo(bytes);
    }

    @Test
    void aStreamedWriteWhoseContentFailsAfterAChunkNeverFinalizesItsUpload() throws Exception {
        StoreUri uri = seeded.fresh();
        long failsAt = GcsCheckpointStore.STREAM_CHUNK + 1024 * 1024 + 1;

        Throwable failure = catchThrowable(() -> faultyLarge.writeStream(uri, failingAt(random(LARGE), failsAt), LARGE));

        assertThat(failure).isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.uri()).isEqualTo(uri))
                .hasRootCauseMessage("the content broke off");
        assertThat(proxy.requests()).extracting(Request::method).as("the session and its first chunk").containsExactly("POST", "PUT");
        assertThat(proxy.requests()).noneMatch(finalizing());
        assertThat(directLarge.stat(uri)).isEmpty();
    }

    private static Predicate<Request> media() {
        return r -> r.method().equals("GET") && r.hasQuery("alt=media");
    }

    /** The chunk of an upload that starts at byte {@code first}. */
    private static Predicate<Request> chunkFrom(long first) {
        return r -> r.method().equals("PUT") && r.header("Content-Range").filter(range -> range.startsWith("bytes " + first + "-")).isPresent();
    }

    /** The request that declares the upload's total: the last chunk, or a finalization without bytes. */
    private static Predicate<Request> finalizing() {
        return r -> r.method().equals("PUT") && r.header("Content-Range").filter(range -> range.matches("bytes \\S+/\\d+")).isPresent();
    }

    private static byte[] random(int length) {
        byte[] bytes = new byte[length];
        new Random(length).nextBytes(bytes);
        return bytes;
    }

    /** {@code bytes}, failing with an {@link IOException} at {@code position}. */
    private static InputStream failingAt(byte[] bytes, long position) {
        return new ByteArrayInputStream(bytes) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                if (pos >= position) {
                    throw new java.io.UncheckedIOException(new IOException("the content broke off"));
                }
                return super.read(b, off, (int) Math.min(len, position - pos));
            }
        };
    }

    private static Predicate<Request> listing() {
        return r -> r.method().equals("GET") && r.target().matches("/storage/v1/b/[^/]+/o(\\?.*)?");
    }

    private static Predicate<Request> rewrite() {
        return r -> r.target().contains("/rewriteTo/");
    }

    private static StoreException failsAsStoreException(Operation operation) {
        return StoreFailures.failsNamingItsLocation(operation.faulted());
    }

    private static StoreException failsAsStoreException(Operation operation, Throwable failure) {
        return StoreFailures.failsNamingItsLocation(operation.faulted(), failure);
    }

    /** The seeded objects in their versions, and no copy made. */
    private boolean unchanged() throws Exception {
        return seeded.unchanged(direct) && direct.stat(seeded.root().resolve("copies/target")).isEmpty();
    }

    /** The seeded objects in their versions, nothing written besides them. */
    private void assertUnchanged() throws Exception {
        seeded.assertUnchanged(direct);
        assertThat(direct.stat(seeded.root().resolve("copies/target"))).isEmpty();
    }

    /** A read's answer as a value: its object and its bytes. */
    private static List<Object> content(ObjectContent content) {
        return List.of(content.info(), new String(content.bytes(), StandardCharsets.ISO_8859_1));
    }

    private String text(ObjectInfo info) throws StoreException {
        return new String(direct.read(info.uri()).bytes(), StandardCharsets.UTF_8);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
