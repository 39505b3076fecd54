package dev.laststate.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static dev.laststate.tck.faults.StoreFailures.failsNamingItsLocation;

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
import dev.laststate.tck.faults.StoreFailures.FaultedOperation;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.MultipartUpload;

/**
 * Malformed and cut-off answers are store failures: with {@link FaultProxy} between the store and S3Proxy,
 * every operation meets a reset connection, a stall past the client's timeout, a 500 or 503, a body cut short
 * and answers without {@code Content-Length} or {@code ETag}, and fails with a {@link StoreException} subtype
 * naming its location (never an unchecked exception); where the fault kept the request from S3Proxy, the
 * storage behind is unchanged. A streamed write in parts that fails at a part, at its content or at the complete
 * leaves nothing at its key and no multipart upload open. Short client timeouts and two attempts keep it fast.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class S3FaultsTest {

    private static final String BUCKET = "laststate-faults";
    private static final Duration TIMEOUT = Duration.ofMillis(400);
    private static final int MIB = 1024 * 1024;
    /** A streamed write in three parts. */
    private static final int IN_PARTS = 2 * S3CheckpointStore.PART_SIZE + 3;

    @RegisterExtension
    static final S3ProxyBucket S3 = new S3ProxyBucket(BUCKET);

    private FaultProxy proxy;
    /** The store under test, through the proxy. */
    private S3CheckpointStore faulty;
    /** The same storage without faults, to set up and check. */
    private S3CheckpointStore direct;
    private SeededObjects seeded;
    /** A plain client straight to S3Proxy, for what the store never asks (the multipart uploads left open). */
    private S3Client admin;

    @BeforeAll
    void start() throws Exception {
        proxy = FaultProxy.start(S3.endpoint());
        S3StoreConfig config = S3ProxyBucket.config(proxy.endpoint(), Map.of(S3StoreConfig.MULTIPART_COPY_THRESHOLD, "5MiB"));
        Map<String, String> environment = new HashMap<>(S3ProxyBucket.environment());
        environment.put("AWS_MAX_ATTEMPTS", "2");
        faulty = S3.store(config, S3Environment.from(environment, config).withTimeouts(TIMEOUT, TIMEOUT), List.of());
        direct = S3.store(Map.of(), List.of());
        admin = S3.server().admin();
    }

    @AfterAll
    void stopProxy() throws Exception {
        try (S3Client closing = admin) {
            proxy.close();
        }
    }

    /** Each test starts without a fault, on objects seeded under a root named after it. */
    @BeforeEach
    void clearAndSeed(TestInfo test) throws Exception {
        proxy.clear();
        seeded = SeededObjects.seed(direct, StoreUri.parse("s3://" + BUCKET + "/faults/" + test.getTestMethod().orElseThrow().getName()));
    }

    /** Every operation of the store, by name, with the locations its failure may name. */
    private Map<String, FaultedOperation> operations() {
        Map<String, FaultedOperation> all = new LinkedHashMap<>();
        ObjectInfo source = seeded.source();
        ObjectInfo other = seeded.other();
        StoreUri dir = seeded.dir();
        StoreUri target = seeded.root().resolve("copies/target");
        StoreUri fresh = seeded.fresh();
        List.of(FaultedOperation.reading("list", () -> faulty.list(dir), dir),
                FaultedOperation.reading("stat", () -> faulty.stat(source.uri()), source.uri()),
                FaultedOperation.reading("read", () -> faulty.read(source.uri()), source.uri()),
                FaultedOperation.reading("read a prefix", () -> faulty.read(source.uri(), 4), source.uri()),
                FaultedOperation.changing("overwrite", () -> faulty.write(other.uri(), utf8("replaced"), WriteCondition.overwrite()),
                        other.uri()),
                FaultedOperation.changing("write if absent", () -> faulty.write(fresh, utf8("new"), WriteCondition.ifAbsent()), fresh),
                FaultedOperation.changing("replace a version", () -> faulty.write(other.uri(), utf8("replaced"),
                        WriteCondition.ifVersionMatches(other.version())), other.uri()),
                FaultedOperation.reading("read a stream", () -> {
                    try (InputStream in = faulty.readStream(source.uri(), Optional.of(source.version()), 4, source.size() - 4)) {
                        return in.readAllBytes();
                    }
                }, source.uri()),
                FaultedOperation.changing("write a stream", () -> faulty.writeStream(other.uri(),
                        new ByteArrayInputStream(utf8("replaced")), 8), other.uri()),
                FaultedOperation.changing("write a stream in parts", () -> faulty.writeStream(fresh,
                        new ByteArrayInputStream(bytes(IN_PARTS)), IN_PARTS), fresh),
                FaultedOperation.changing("copy", () -> faulty.copy(source, target), source.uri(), target),
                FaultedOperation.changing("delete", () -> {
                    faulty.delete(other.uri());
                    return "deleted";
                }, other.uri()),
                FaultedOperation.changing("deleteAll", () -> {
                    faulty.deleteAll(List.of(other.uri(), source.uri()));
                    return "deleted";
                }, other.uri(), source.uri()))
                .forEach(operation -> all.put(operation.name(), operation));
        return all;
    }

    @Test
    void aResetConnectionIsAStoreFailureOfEveryOperationAndChangesNothing() throws Exception {
        everyOperationFailsUnchanged(Fault.reset());
    }

    @Test
    void aStallPastTheClientsTimeoutIsAStoreFailureOfEveryOperationAndChangesNothing() throws Exception {
        everyOperationFailsUnchanged(Fault.stall());
    }

    @Test
    void aServerErrorIsUnavailableFromEveryOperationAndChangesNothing() throws Exception {
        for (int status : new int[] {500, 503}) {
            Map<String, Throwable> failures = everyOperationFailsUnchanged(Fault.status(status));
            assertThat(failures).allSatisfy((name, failure) ->
                    assertThat(failure).as("%s on %d", name, status).isInstanceOf(StoreUnavailableException.class));
        }
    }

    @Test
    void aBodyCutShortIsAStoreFailure() throws Exception {
        proxy.inject(Fault.cutBody());
        for (String name : List.of("list", "read", "read a prefix", "read a stream")) {
            assertThat(failsNamingItsLocation(operations().get(name))).as(name).isInstanceOf(StoreUnavailableException.class);
        }
        // The copy reached S3Proxy and its answer was cut: done or not, the store cannot tell.
        assertThat(failsNamingItsLocation(operations().get("copy"))).isInstanceOf(OutcomeUnknownException.class);
        proxy.clear();
        assertUnchanged();
    }

    @Test
    void anAnswerWithoutContentLengthOrETagIsAStoreFailureNeverANullPointer() throws Exception {
        proxy.inject(Fault.dropHeader("Content-Length"));
        assertThat(catchThrowable(() -> faulty.stat(seeded.source().uri()))).as("stat without Content-Length")
                .isInstanceOfSatisfying(StoreException.class, e -> {
                    assertThat(e.uri()).isEqualTo(seeded.source().uri());
                    assertThat(e).hasMessageContaining("Content-Length");
                });
        // Without Content-Length the body ends where the connection does, which is a whole answer: the bytes or a
        // store failure, never other bytes.
        Throwable read = catchThrowable(() -> assertThat(faulty.read(seeded.source().uri()).bytes()).isEqualTo(utf8(text(seeded.source()))));
        assertThat(read).as("read without Content-Length").satisfiesAnyOf(t -> assertThat(t).isNull(),
                t -> assertThat(t).isInstanceOf(StoreException.class));

        proxy.inject(Fault.dropHeader("ETag"));
        for (String name : List.of("stat", "read", "read a prefix", "read a stream")) {
            assertThat(failsNamingItsLocation(operations().get(name))).as(name).hasMessageContaining("ETag");
        }
        // The PUT took effect, but without its ETag the version written is unknown: read before assuming.
        StoreUri written = seeded.root().resolve("dir/written");
        assertThat(catchThrowable(() -> faulty.write(written, utf8("w"), WriteCondition.ifAbsent())))
                .isInstanceOfSatisfying(OutcomeUnknownException.class, e -> assertThat(e.uri()).isEqualTo(written));
        proxy.clear();
        assertThat(direct.read(written).bytes()).isEqualTo(utf8("w"));
    }

    @Test
    void aStreamWhoseBodyIsCutOffMidwayFailsFromTheStreamAsUnavailable() throws Exception {
        byte[] content = bytes(4 * MIB);
        ObjectInfo large = direct.write(seeded.root().resolve("large"), content, WriteCondition.overwrite());
        proxy.inject(Request.method("GET"), Fault.cutBody());

        // The answer's head arrives whole, so the stream opens; its body breaks off half-way.
        try (InputStream in = faulty.readStream(large.uri(), Optional.of(large.version()), 0, large.size())) {
            assertThat(catchThrowable(in::readAllBytes)).isInstanceOfSatisfying(StoreUnavailableException.class,
                    e -> assertThat(e.uri()).isEqualTo(large.uri()));
        }
        assertThat(proxy.faultedExchanges()).as("a body is not retried").isEqualTo(1);
    }

    @Test
    void aResetDuringAnUploadPartAbortsTheUploadAndWritesNothing() throws Exception {
        proxy.inject(request -> request.method().equals("PUT") && request.hasQuery("partNumber=2"), Fault.reset());

        for (StoreUri uri : List.of(seeded.other().uri(), seeded.fresh())) {
            assertThat(catchThrowable(() -> faulty.writeStream(uri, new ByteArrayInputStream(bytes(IN_PARTS)), IN_PARTS)))
                    .as("write to %s", uri).isInstanceOfSatisfying(StoreUnavailableException.class, e -> assertThat(e.uri()).isEqualTo(uri));
        }

        assertThat(proxy.faultedExchanges()).as("the SDK's two attempts of part 2, for each write").isEqualTo(4);
        assertThat(proxy.requests()).as("one abort per write").filteredOn(request -> request.method().equals("DELETE")
                && request.hasQuery("uploadId=")).hasSize(2);
        proxy.clear();
        assertUnchanged();
        assertThat(openUploads()).isEmpty();
    }

    @Test
    void contentThatFailsAfterAPartAbortsTheUploadAndWritesNothing() throws Exception {
        InputStream failing = new SequenceInputStream(new ByteArrayInputStream(bytes(S3CheckpointStore.PART_SIZE + 1)),
                new InputStream() {
                    @Override
                    public int read() throws IOException {
                        throw new IOException("the source broke off");
                    }
                });

        assertThat(catchThrowable(() -> faulty.writeStream(seeded.fresh(), failing, IN_PARTS)))
                .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e).hasRootCauseMessage("the source broke off"));

        assertThat(proxy.requests()).as("part 1 went out, part 2 was never whole").extracting(Request::method)
                .containsExactly("POST", "PUT", "DELETE");
        assertUnchanged();
        assertThat(openUploads()).isEmpty();
    }

    @Test
    void aServerErrorOnCompleteAbortsTheUploadAndWritesNothing() throws Exception {
        // The listing sees an upload left open: so an empty one below means the store's was aborted.
        String left = admin.createMultipartUpload(r -> r.bucket(BUCKET).key(seeded.root().path() + "/left")).uploadId();
        assertThat(openUploads()).containsExactly(seeded.root().path() + "/left");
        admin.abortMultipartUpload(r -> r.bucket(BUCKET).key(seeded.root().path() + "/left").uploadId(left));
        proxy.inject(request -> request.method().equals("POST") && request.hasQuery("uploadId="), Fault.status(500));

        for (StoreUri uri : List.of(seeded.other().uri(), seeded.fresh())) {
            assertThat(catchThrowable(() -> faulty.writeStream(uri, new ByteArrayInputStream(bytes(IN_PARTS)), IN_PARTS)))
                    .as("write to %s", uri).isInstanceOfSatisfying(StoreUnavailableException.class, e -> assertThat(e.uri()).isEqualTo(uri));
        }

        assertThat(proxy.faultedExchanges()).as("the SDK's two attempts of each complete").isEqualTo(4);
        proxy.clear();
        assertUnchanged();
        assertThat(openUploads()).isEmpty();
    }

    @Test
    void aLostAnswerToCompleteIsSuccessOrAnUnknownOutcomeAndTheObjectIsWhole() throws Exception {
        byte[] content = bytes(IN_PARTS);
        proxy.inject(request -> request.method().equals("POST") && request.hasQuery("uploadId="), Fault.loseAnswer(), 1);

        // S3Proxy completed the upload; the SDK's second attempt finds it gone (or completed: S3 may answer it again).
        Throwable failure = catchThrowable(() -> faulty.writeStream(seeded.fresh(), new ByteArrayInputStream(content), IN_PARTS));

        assertThat(failure).satisfiesAnyOf(t -> assertThat(t).isNull(), t -> assertThat(t)
                .isInstanceOfSatisfying(OutcomeUnknownException.class, e -> assertThat(e.uri()).isEqualTo(seeded.fresh())));
        assertThat(direct.read(seeded.fresh()).bytes()).isEqualTo(content);
        assertThat(openUploads()).isEmpty();
    }

    /** The keys of multipart uploads begun below this test's root and neither completed nor aborted. */
    private List<String> openUploads() {
        return admin.listMultipartUploads(r -> r.bucket(BUCKET).prefix(seeded.root().path() + "/")).uploads().stream()
                .map(MultipartUpload::key).toList();
    }

    /** Injects {@code fault}, runs every operation, and checks each failed as a store failure naming its location. */
    private Map<String, Throwable> everyOperationFailsUnchanged(Fault fault) throws Exception {
        Map<String, Throwable> failures = new LinkedHashMap<>();
        proxy.inject(fault);
        for (FaultedOperation operation : operations().values()) {
            failures.put(operation.name(), failsNamingItsLocation(operation));
        }
        assertThat(proxy.faultedExchanges()).as("the faults reached the proxy").isGreaterThanOrEqualTo(operations().size());
        proxy.clear();
        assertUnchanged();
        return failures;
    }

    /** The seeded objects in their versions, nothing written besides them. */
    private void assertUnchanged() throws Exception {
        seeded.assertUnchanged(direct);
    }

    private String text(ObjectInfo info) throws StoreException {
        return new String(direct.read(info.uri()).bytes(), StandardCharsets.UTF_8);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] bytes(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }
}
