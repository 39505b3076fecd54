package dev.laststate.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.laststate.store.ContainerNotFoundException;
import dev.laststate.store.Listing;
import dev.laststate.store.ObjectAlreadyExistsException;
import dev.laststate.store.ObjectInfo;
import dev.laststate.store.OutcomeUnknownException;
import dev.laststate.store.StoreAccessDeniedException;
import dev.laststate.store.StoreException;
import dev.laststate.store.StoreUnavailableException;
import dev.laststate.store.StoreUri;
import dev.laststate.store.UnsupportedStoreOperationException;
import dev.laststate.store.WriteCondition;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;

/** What the TCK cannot say about S3: requests sent, schemes, buckets, credentials, ambiguous retries, part sizes. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class S3StoreTest {

    private static final String BUCKET = "laststate-s3";
    private static final int MIB = 1024 * 1024;

    private final S3RequestCounter counter = new S3RequestCounter();
    /** When set, the next PutObject's answer is turned into a 503 after S3Proxy carried it out. */
    private final AtomicBoolean losePutAnswer = new AtomicBoolean();
    private S3CheckpointStore store;
    private final AtomicInteger roots = new AtomicInteger();
    private StoreUri root;

    @RegisterExtension
    static final S3ProxyBucket S3 = new S3ProxyBucket(BUCKET);

    @BeforeAll
    void openStore() {
        store = S3.store(Map.of(S3StoreConfig.MULTIPART_COPY_THRESHOLD, "5MiB"), List.of(counter, new LoseAnswer()));
    }

    @BeforeEach
    void freshRoot() {
        root = StoreUri.parse("s3://" + BUCKET + "/test/root-" + roots.getAndIncrement());
        counter.reset();
    }

    @Test
    void s3aNamesTheSameBucket() throws Exception {
        store.write(root.resolve("dir/object"), utf8("via s3"), WriteCondition.overwrite());
        StoreUri s3a = new StoreUri("s3a", root.authority(), root.path());

        Listing listing = store.list(s3a.resolve("dir"));

        assertThat(listing.objects()).extracting(ObjectInfo::uri).containsExactly(s3a.resolve("dir/object"));
        assertThat(text(s3a.resolve("dir/object"))).isEqualTo("via s3");
        ObjectInfo copy = store.copy(listing.objects().get(0), root.resolve("dir/copy"));
        assertThat(copy.uri().scheme()).isEqualTo("s3");
        assertThat(store.stat(s3a.resolve("dir/copy"))).hasValueSatisfying(o -> assertThat(o.version()).isEqualTo(copy.version()));
    }

    @Test
    void aMissingBucketIsATypedErrorNamingTheBucket() {
        StoreUri missing = StoreUri.parse("s3://no-such-bucket-here/app/object");

        for (ThrowingCallable call : List.<ThrowingCallable>of(
                () -> store.list(missing.parent().orElseThrow()),
                () -> store.stat(missing),
                () -> store.read(missing),
                () -> store.write(missing, utf8("x"), WriteCondition.overwrite()),
                () -> store.write(missing, utf8("x"), WriteCondition.ifAbsent()),
                () -> store.delete(missing),
                // Within the missing bucket: a copy to another bucket is refused before anything is sent.
                () -> store.copy(new ObjectInfo(missing, 1, Instant.EPOCH, "v"), missing.parent().orElseThrow().resolve("copy")))) {
            assertThatThrownBy(call).isInstanceOfSatisfying(ContainerNotFoundException.class,
                    e -> assertThat(e.uri().authority()).isEqualTo("no-such-bucket-here"))
                    .hasMessageContaining("bucket 'no-such-bucket-here' does not exist")
                    .hasCauseInstanceOf(SdkException.class);
        }
    }

    @Test
    void wrongCredentialsAreAccessDeniedAndNeverPrinted() throws Exception {
        String wrongSecret = "wrong-secret-value-1234";
        Map<String, String> options = Map.of(S3StoreConfig.ENDPOINT, S3.endpoint().toString(), S3StoreConfig.REGION, S3ProxyServer.REGION);
        try (var wrong = new S3CheckpointStoreProvider().open(options, S3ProxyBucket.environment(wrongSecret));
             var unknownKey = new S3CheckpointStoreProvider().open(options, Map.of("AWS_ACCESS_KEY_ID", "unknown-key",
                     "AWS_SECRET_ACCESS_KEY", wrongSecret, "HOME", "/nonexistent-laststate-home"))) {
            for (var bad : List.of(wrong, unknownKey)) {
                for (ThrowingCallable call : List.<ThrowingCallable>of(
                        () -> bad.list(root),
                        () -> bad.stat(root.resolve("object")),
                        () -> bad.write(root.resolve("object"), utf8("x"), WriteCondition.overwrite()))) {
                    assertThatThrownBy(call).isInstanceOfSatisfying(StoreAccessDeniedException.class, e -> {
                        assertThat(e.uri().authority()).isEqualTo(BUCKET);
                        assertThat(stackTraceText(e)).doesNotContain(wrongSecret).doesNotContain(S3ProxyServer.SECRET_KEY);
                    });
                }
            }
        }
        assertThat(store.stat(root.resolve("object"))).as("nothing was written with wrong credentials").isEmpty();
    }

    /** Every message of the exception and its causes, as a log would print them. */
    private static String stackTraceText(Throwable e) {
        java.io.StringWriter text = new java.io.StringWriter();
        e.printStackTrace(new java.io.PrintWriter(text));
        return text.toString();
    }

    @Test
    void listingReadsEveryPageOfOneLevelWithADelimiter() throws Exception {
        List<String> names = IntStream.range(0, 2_100).mapToObj(i -> "o-" + i).toList();
        names.parallelStream().forEach(name -> write(root.resolve(name), name));
        write(root.resolve("below/deeper/x"), "x");
        counter.reset();

        Listing listing = store.list(root);

        assertThat(listing.objects()).hasSize(2_100);
        assertThat(listing.directories()).containsExactly("below");
        List<S3RequestCounter.Sent> lists = counter.sent();
        assertThat(lists).extracting(S3RequestCounter.Sent::operation).containsOnly("ListObjectsV2").hasSize(3);
        assertThat(lists).allSatisfy(sent -> {
            ListObjectsV2Request request = (ListObjectsV2Request) sent.request();
            assertThat(request.delimiter()).isEqualTo("/");
            assertThat(request.prefix()).isEqualTo(root.path() + "/");
            assertThat(sent.query("delimiter")).isEqualTo("/");
        });
    }

    @Test
    void listingIsInJavaStringOrderNotUtf8ByteOrder() throws Exception {
        // U+FFFD sorts before U+1F600 in UTF-8 bytes (EF.. < F0..) and after it in UTF-16 (FFFD > D83D).
        String bmp = "\uFFFD-name";
        String astral = "\uD83D\uDE00-name";
        write(root.resolve(bmp), "a");
        write(root.resolve(astral), "b");
        write(root.resolve(bmp + "-dir/x"), "c");
        write(root.resolve(astral + "-dir/x"), "d");

        Listing listing = store.list(root);

        assertThat(listing.objects()).extracting(ObjectInfo::name).containsExactly(astral, bmp);
        assertThat(listing.directories()).containsExactly(astral + "-dir", bmp + "-dir");
    }

    @Test
    void copiesAboveTheThresholdGoInPartsAndBelowInOneRequest() throws Exception {
        byte[] large = new byte[12 * MIB + 3];
        new Random(7).nextBytes(large);
        StoreUri source = root.resolve("large");
        ObjectInfo largeSource = store.write(source, large, WriteCondition.overwrite());
        ObjectInfo smallSource = store.write(root.resolve("small"), utf8("small"), WriteCondition.overwrite());
        counter.reset();

        ObjectInfo copied = store.copy(largeSource, root.resolve("copy/large"));

        // No HeadObject: the copy is pinned to the version listed, and its answer is what it reports.
        assertThat(counter.counts()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "CreateMultipartUpload", 1L, "UploadPartCopy", 3L, "CompleteMultipartUpload", 1L));
        assertThat(counter.sent()).filteredOn(sent -> sent.operation().equals("UploadPartCopy"))
                .allSatisfy(sent -> assertThat(sent.http().firstMatchingHeader("x-amz-copy-source-if-match"))
                        .contains("\"" + largeSource.version() + "\""));
        assertThat(copied.size()).isEqualTo(large.length);
        assertThat(store.read(copied.uri()).bytes()).isEqualTo(large);
        counter.reset();

        ObjectInfo small = store.copy(smallSource, root.resolve("copy/small"));

        assertThat(counter.counts()).containsExactlyInAnyOrderEntriesOf(Map.of("CopyObject", 1L));
        assertThat(counter.sent().get(0).http().firstMatchingHeader("x-amz-copy-source-if-match"))
                .contains("\"" + smallSource.version() + "\"");
        assertThat(store.stat(small.uri())).hasValueSatisfying(o -> {
            assertThat(o.version()).isEqualTo(small.version());
            assertThat(o.size()).isEqualTo(small.size());
        });
    }

    @Test
    void aStreamedWriteOfNPartsSendsCreateThePartsAndCompleteAndNoMore() throws Exception {
        int partSize = S3CheckpointStore.PART_SIZE;
        byte[] large = new byte[2 * partSize + 3];
        new Random(11).nextBytes(large);
        StoreUri uri = root.resolve("streamed/large");

        ObjectInfo written = store.writeStream(uri, new ByteArrayInputStream(large), large.length);

        assertThat(counter.counts()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "CreateMultipartUpload", 1L, "UploadPart", 3L, "CompleteMultipartUpload", 1L));
        assertThat(counter.sent()).filteredOn(sent -> sent.operation().equals("UploadPart"))
                .extracting(sent -> ((UploadPartRequest) sent.request()).contentLength())
                .as("two whole parts and the rest").containsExactly((long) partSize, (long) partSize, 3L);
        assertThat(written.size()).isEqualTo(large.length);
        assertThat(store.stat(uri)).hasValueSatisfying(o -> assertThat(o.version()).isEqualTo(written.version()));
        assertThat(store.read(uri).bytes()).isEqualTo(large);
        counter.reset();

        store.writeStream(root.resolve("streamed/one-part"), new ByteArrayInputStream(large), partSize);

        assertThat(counter.counts()).as("one part's worth is one PUT").containsExactlyInAnyOrderEntriesOf(Map.of("PutObject", 1L));
    }

    @Test
    void aStreamIsOneRangedGetPinnedToTheVersionAndAnEmptyOneSendsNothing() throws Exception {
        ObjectInfo object = store.write(root.resolve("object"), utf8("0123456789abcdefghij"), WriteCondition.overwrite());
        counter.reset();

        try (InputStream in = store.readStream(object.uri(), Optional.of(object.version()), 5, 10)) {
            assertThat(in.readAllBytes()).isEqualTo(utf8("56789abcde"));
        }
        try (InputStream in = store.readStream(object.uri(), Optional.of(object.version()), 3, 0)) {
            assertThat(in.read()).isEqualTo(-1);
        }

        assertThat(counter.sent()).singleElement().satisfies(sent -> {
            assertThat(sent.operation()).isEqualTo("GetObject");
            assertThat(sent.http().firstMatchingHeader("Range")).contains("bytes=5-14");
            assertThat(sent.http().firstMatchingHeader("If-Match")).contains("\"" + object.version() + "\"");
        });
    }

    @Test
    void aStreamClosedEarlyLeavesTheStoreWorking() throws Exception {
        byte[] large = new byte[12 * MIB];
        new Random(13).nextBytes(large);
        ObjectInfo object = store.write(root.resolve("large"), large, WriteCondition.overwrite());

        // Closed after one byte of 12 MiB: the connection is aborted, not drained, and the pool hands out another.
        for (int i = 0; i < 3; i++) {
            try (InputStream in = store.readStream(object.uri(), Optional.empty(), 0, large.length)) {
                assertThat(in.read()).isEqualTo(large[0] & 0xff);
            }
        }
        try (InputStream in = store.readStream(object.uri(), Optional.empty(), large.length - 2, 2)) {
            assertThat(in.readAllBytes()).containsExactly(large[large.length - 2], large[large.length - 1]);
        }
    }

    @Test
    void thePartSizeIs8MiBUntil10000PartsWouldNotHoldTheObject() {
        long part = S3CheckpointStore.PART_SIZE;
        assertThat(S3CheckpointStore.partSize(0)).isEqualTo(part);
        assertThat(S3CheckpointStore.partSize(part * 10_000)).isEqualTo(part);
        assertThat(S3CheckpointStore.partSize(part * 10_000 + 1)).isEqualTo(part + 1);
        long largest = S3CheckpointStore.MAX_OBJECT_BYTES;
        assertThat(S3CheckpointStore.partSize(largest)).isEqualTo((largest + 9_999) / 10_000)
                .isLessThan(Integer.MAX_VALUE).isLessThan(5L * 1024 * MIB);
    }

    @Test
    void aStreamedWriteLargerThanS3HoldsIsRefusedBeforeAnythingIsSent() {
        assertThatThrownBy(() -> store.writeStream(root.resolve("huge"), InputStream.nullInputStream(),
                S3CheckpointStore.MAX_OBJECT_BYTES + 1)).isInstanceOf(UnsupportedStoreOperationException.class);
        assertThat(counter.sent()).isEmpty();
    }

    @Test
    void aConditionalWriteRefusedOnlyAfterARetryHasAnUnknownOutcome() throws Exception {
        StoreUri uri = root.resolve("_metadata");

        losePutAnswer.set(true);
        // S3Proxy creates the object, the client sees 503, the SDK retries and If-None-Match answers 412.
        assertThatThrownBy(() -> store.write(uri, utf8("mine"), WriteCondition.ifAbsent()))
                .isInstanceOf(OutcomeUnknownException.class).hasMessageContaining("may have created it");
        assertThat(counter.count("PutObject")).isEqualTo(2);
        assertThat(text(uri)).isEqualTo("mine");

        // Without a retry the same 412 is a plain "already exists".
        assertThatThrownBy(() -> store.write(uri, utf8("other"), WriteCondition.ifAbsent()))
                .isInstanceOf(ObjectAlreadyExistsException.class);
    }

    @Test
    void aServerErrorOnEveryAttemptIsRetriedByTheSdkOnlyAndReportedUnavailable() throws Exception {
        // Not conditional: the answer of every attempt is lost, so the SDK's own attempts are all that is made.
        StoreUri uri = root.resolve("object");
        try (S3CheckpointStore failing = S3ProxyBucket.openStore(S3.endpoint(), Map.of(), List.of(counter, new ExecutionInterceptor() {
            @Override
            public SdkHttpResponse modifyHttpResponse(Context.ModifyHttpResponse context, ExecutionAttributes attributes) {
                return context.httpResponse().toBuilder().statusCode(503).build();
            }
        }))) {
            assertThatThrownBy(() -> failing.list(root)).isInstanceOfSatisfying(StoreUnavailableException.class, e -> {
                assertThat(e.retryable()).isTrue();
                assertThat(e.getCause()).isInstanceOf(SdkException.class);
                int sdkAttempts = ((SdkException) e.getCause()).numAttempts();
                assertThat(sdkAttempts).as("the SDK retried").isGreaterThan(1);
                assertThat(counter.count("ListObjectsV2")).as("the SDK's own attempts, no loop on top").isEqualTo(sdkAttempts);
            });
        }
        assertThat(store.stat(uri)).isEmpty();
    }

    private void write(StoreUri uri, String text) {
        try {
            store.write(uri, utf8(text), WriteCondition.overwrite());
        } catch (StoreException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The object's bytes as the UTF-8 text they were written from. */
    private String text(StoreUri uri) throws StoreException {
        return new String(store.read(uri).bytes(), StandardCharsets.UTF_8);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Replaces the answer to one PutObject by a 503 after the server carried it out: a lost response. */
    private final class LoseAnswer implements ExecutionInterceptor {
        @Override
        public SdkHttpResponse modifyHttpResponse(Context.ModifyHttpResponse context, ExecutionAttributes attributes) {
            if ("PutObject".equals(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME))
                    && losePutAnswer.compareAndSet(true, false)) {
                return context.httpResponse().toBuilder().statusCode(503).build();
            }
            return context.httpResponse();
        }
    }
}
