package dev.laststate.s3;

import dev.laststate.store.Capability;
import dev.laststate.store.CheckpointStore;
import dev.laststate.store.ContainerNotFoundException;
import dev.laststate.store.ContentRange;
import dev.laststate.store.Listing;
import dev.laststate.store.NameLimit;
import dev.laststate.store.ObjectContent;
import dev.laststate.store.ObjectInfo;
import dev.laststate.store.ObjectStreams;
import dev.laststate.store.StoreException;
import dev.laststate.store.StoreNotFoundException;
import dev.laststate.store.StoreUnavailableException;
import dev.laststate.store.StoreUri;
import dev.laststate.store.UnsupportedStoreOperationException;
import dev.laststate.store.WriteCondition;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.endpoints.S3EndpointProvider;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CopyObjectResponse;
import software.amazon.awssdk.services.s3.model.CopyObjectResult;
import software.amazon.awssdk.services.s3.model.CopyPartResult;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Error;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.UploadPartCopyResponse;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * A checkpoint store on Amazon S3 or an S3-compatible store, for {@code s3://bucket/path} and
 * {@code s3a://bucket/path}.
 *
 * <p>Directories are key prefixes ending in {@code /}, listed one level at a time with a delimiter.
 * An object's version is its ETag, which changes whenever its bytes do. Conditional writes use S3's
 * own {@code If-None-Match: *} and {@code If-Match}; copies are server-side, in parts above the
 * configured threshold, each pinned to the version the caller listed ({@code x-amz-copy-source-if-match})
 * and never preceded or followed by a stat. Transient failures are retried by the SDK's retry strategy,
 * once; every failure of a request (an SDK exception or anything its HTTP client lets escape) is
 * classified here, where it is thrown ({@link S3Errors}), and every field of an answer the store needs is
 * checked: a missing one is a {@link StoreException}, never a {@link NullPointerException}.
 *
 * <p>Streams ({@link Capability#BOUNDED_STREAMS}): a {@link #readStream} is one ranged {@code GetObject} whose body is
 * read as it arrives; a {@link #writeStream} holds one part: {@value #PART_SIZE} bytes (8 MiB), grown for objects over
 * 78 GiB so that S3's 10,000 parts suffice (about 524 MiB at S3's largest object, 5 TiB). A write no larger than a part
 * is one {@code PutObject}; a larger one a multipart upload whose parts are read, one at a time, into one buffer.
 */
final class S3CheckpointStore implements CheckpointStore {

    private static final int DELETE_BATCH = 1_000;
    private static final int MAX_PARTS = 10_000;
    /** The part size of a streamed write, before it grows to keep within {@link #MAX_PARTS}. */
    static final int PART_SIZE = 8 * 1024 * 1024;
    /** S3's largest object. */
    static final long MAX_OBJECT_BYTES = 5L * 1024 * 1024 * 1024 * 1024;
    private static final List<NameLimit> KEY_LIMIT = List.of(new NameLimit(NameLimit.Measure.NAME_BYTES, 1024));

    private final S3StoreConfig config;
    private final S3Client s3;
    private final List<AutoCloseable> closeables;
    /** Buckets seen to exist, so a 404 from HEAD (which has no error code) is told apart from a missing bucket once. */
    private final Set<String> knownBuckets = ConcurrentHashMap.newKeySet();

    /** One request to S3, nothing but the SDK call: whatever it throws is that request's failure. */
    @FunctionalInterface
    private interface Request<T> {
        T send();
    }

    /** How a request's failure is told to the caller. */
    @FunctionalInterface
    private interface Classifier {
        StoreException classify(RuntimeException failure) throws StoreException;
    }

    S3CheckpointStore(S3StoreConfig config, S3Environment environment, List<? extends ExecutionInterceptor> interceptors) {
        this.config = config;
        this.closeables = environment.closeables();
        // The pool must hold as many connections as requests may run at once, or copies queue for one.
        Apache5HttpClient.Builder http = Apache5HttpClient.builder()
                .maxConnections(config.maxConcurrency())
                .connectionAcquisitionTimeout(Duration.ofMinutes(2));
        environment.connectTimeout().ifPresent(http::connectionTimeout);
        environment.socketTimeout().ifPresent(http::socketTimeout);
        RetryStrategy retries = environment.maxAttempts()
                .map(n -> (RetryStrategy) AwsRetryStrategy.forRetryMode(environment.retryMode()).toBuilder().maxAttempts(n).build())
                .orElseGet(() -> AwsRetryStrategy.forRetryMode(environment.retryMode()));
        S3ClientBuilder builder = S3Client.builder()
                .credentialsProvider(environment.credentials())
                .httpClientBuilder(http)
                .forcePathStyle(config.pathStyle())
                .fipsEnabled(environment.fips())
                .dualstackEnabled(environment.dualstack())
                .overrideConfiguration(o -> {
                    // Given explicitly, so the SDK does not look up the profile or retry mode in the process environment.
                    o.defaultProfileFile(environment.profileFile()).defaultProfileName(environment.profileName());
                    o.retryStrategy(retries);
                    interceptors.forEach(o::addExecutionInterceptor);
                });
        if (config.endpoint().isPresent()) {
            builder.endpointOverride(config.endpoint().get());
        } else {
            // Without an override the SDK would take AWS_ENDPOINT_URL_S3 from the process environment itself;
            // the environment the store was given has already decided there is none.
            S3EndpointProvider rules = S3EndpointProvider.defaultProvider();
            builder.endpointProvider(params -> rules.resolveEndpoint(params.toBuilder().endpoint(null).build()));
        }
        if (environment.region().isPresent()) {
            builder.region(environment.region().get());
        } else {
            // No region anywhere: sign for us-east-1 and let the SDK follow a bucket's redirect to its region.
            builder.region(Region.US_EAST_1).crossRegionAccessEnabled(true);
        }
        this.s3 = builder.build();
    }

    private static <T> T send(Request<T> request, Classifier classifier) throws StoreException {
        try {
            return request.send();
        } catch (RuntimeException e) {
            throw classifier.classify(e);
        }
    }

    @Override
    public Set<String> schemes() {
        return S3CheckpointStoreProvider.SCHEMES;
    }

    @Override
    public Set<Capability> capabilities() {
        return EnumSet.of(Capability.CONDITIONAL_CREATE, Capability.CONDITIONAL_REPLACE, Capability.SERVER_SIDE_COPY,
                Capability.BOUNDED_STREAMS);
    }

    /** S3 refuses a key over 1,024 bytes of UTF-8 (KeyTooLongError). */
    @Override
    public List<NameLimit> nameLimits() {
        return KEY_LIMIT;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Keys no location can hold (a control character, an empty segment as in {@code dir//x}) are listed in
     * {@link Listing#skipped()}: an object by its name, a directory by its name and a trailing {@code /}
     * ({@code "/"} for the empty segment of {@code dir//x}). The key equal to the prefix itself, a "folder"
     * marker some tools write, is the directory and not an entry of it.
     */
    @Override
    public Listing list(StoreUri directory) throws StoreException {
        directory.requireScheme(schemes());
        String prefix = directory.path().isEmpty() ? "" : directory.path() + "/";
        List<String> directories = new ArrayList<>();
        List<ObjectInfo> objects = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        Optional<String> token = Optional.empty();
        do {
            ListObjectsV2Request request = ListObjectsV2Request.builder().bucket(directory.authority()).prefix(prefix)
                    .delimiter("/").continuationToken(token.orElse(null)).build();
            ListObjectsV2Response page = send(() -> s3.listObjectsV2(request), e -> S3Errors.classify(e, directory, "list", false));
            for (CommonPrefix common : page.commonPrefixes()) {
                String name = relative(directory, prefix, common.prefix());
                name = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
                if (holds(directory, name)) {
                    directories.add(name);
                } else {
                    skipped.add(name + "/");
                }
            }
            for (S3Object object : page.contents()) {
                String name = relative(directory, prefix, object.key());
                if (name.isEmpty()) {
                    continue;
                }
                if (!holds(directory, name)) {
                    skipped.add(name);
                    continue;
                }
                objects.add(info(directory.resolve(name), "list", object.size(), object.lastModified(), object.eTag()));
            }
            token = Boolean.TRUE.equals(page.isTruncated())
                    ? Optional.of(Optional.ofNullable(page.nextContinuationToken()).filter(t -> !t.isEmpty()).orElseThrow(() ->
                            StoreException.malformedAnswer(directory, "list", "a truncated page without a continuation token")))
                    : Optional.empty();
        } while (token.isPresent());
        knownBuckets.add(directory.authority());
        return Listing.sorted(directory, directories, objects, skipped);
    }

    /** A listed key (or common prefix) relative to the directory listed; one outside it is a malformed answer. */
    private static String relative(StoreUri directory, String prefix, String key) throws StoreException {
        if (key == null || !key.startsWith(prefix)) {
            throw StoreException.malformedAnswer(directory, "list", "an entry outside the directory listed");
        }
        return key.substring(prefix.length());
    }

    /** One level's name a location can hold ({@code a/b} is two levels, which a delimiter listing never answers). */
    private static boolean holds(StoreUri directory, String name) {
        return !name.contains("/") && directory.canHold(name);
    }

    /** What the store reports of an object, from an answer's fields, each of which may be absent. */
    private static ObjectInfo info(StoreUri uri, String action, Long size, Instant lastModified, String etag) throws StoreException {
        if (size == null || size < 0) {
            throw StoreException.malformedAnswer(uri, action, size == null ? "no size (Content-Length)" : "a negative size");
        }
        if (lastModified == null) {
            throw StoreException.malformedAnswer(uri, action, "no Last-Modified");
        }
        String version = S3Errors.unquote(etag).orElseThrow(() -> StoreException.malformedAnswer(uri, action, "no ETag"));
        return new ObjectInfo(uri, size, lastModified, version);
    }

    @Override
    public Optional<ObjectInfo> stat(StoreUri uri) throws StoreException {
        uri.requireObject(schemes(), nameLimits());
        HeadObjectResponse head;
        try {
            head = s3.headObject(r -> r.bucket(uri.authority()).key(uri.path()));
        } catch (RuntimeException e) {
            if (S3Errors.status(e) == 404) {
                requireBucket(uri, "stat");
                return Optional.empty();
            }
            throw S3Errors.classify(e, uri, "stat", false);
        }
        knownBuckets.add(uri.authority());
        return Optional.of(info(uri, "stat", head.contentLength(), head.lastModified(), head.eTag()));
    }

    /** A HEAD's 404 carries no error code: ask once whether the bucket itself exists. */
    private void requireBucket(StoreUri uri, String action) throws StoreException {
        if (knownBuckets.contains(uri.authority())) {
            return;
        }
        send(() -> s3.headBucket(r -> r.bucket(uri.authority())), e -> S3Errors.status(e) == 404
                ? S3Errors.bucketNotFound(uri, action, e)
                : S3Errors.classify(e, uri, action, false));
        knownBuckets.add(uri.authority());
    }

    /** Whether the bucket of {@code uri} exists, asked only when a failed copy says its source is missing. */
    private boolean bucketExists(StoreUri uri) {
        if (knownBuckets.contains(uri.authority())) {
            return true;
        }
        try {
            requireBucket(uri, "copy");
            return true;
        } catch (ContainerNotFoundException e) {
            return false;
        } catch (StoreException e) {
            return true;
        }
    }

    @Override
    public ObjectContent read(StoreUri uri, long maxBytes) throws StoreException {
        uri.requireObject(schemes(), nameLimits());
        if (maxBytes < 0) {
            throw new IllegalArgumentException("maxBytes must not be negative: " + maxBytes);
        }
        long limit = Math.min(maxBytes, Integer.MAX_VALUE - 8);
        if (limit == 0) {
            ObjectInfo info = stat(uri).orElseThrow(() -> new StoreNotFoundException(uri, "cannot read " + uri + ": no such object", null));
            return new ObjectContent(info, new byte[0]);
        }
        GetObjectRequest.Builder request = GetObjectRequest.builder().bucket(uri.authority()).key(uri.path());
        GetObjectRequest ranged = request.range("bytes=0-" + (limit - 1)).build();
        // One GET returns the bytes with the ETag they belong to: no separate stat that could race a writer.
        ResponseBytes<GetObjectResponse> answer;
        try {
            answer = s3.getObject(ranged, ResponseTransformer.toBytes());
        } catch (RuntimeException e) {
            if (S3Errors.status(e) != 416) {
                throw S3Errors.classify(e, uri, "read", false);
            }
            // A range of an empty object is unsatisfiable: read it whole.
            GetObjectRequest whole = ranged.toBuilder().range(null).build();
            answer = send(() -> s3.getObject(whole, ResponseTransformer.toBytes()), again -> S3Errors.classify(again, uri, "read", false));
        }
        knownBuckets.add(uri.authority());
        GetObjectResponse response = answer.response();
        byte[] content = answer.asByteArray();
        long size;
        if (response.sdkHttpResponse().statusCode() == 206) {
            size = ContentRange.totalSize(response.contentRange()).orElseThrow(() -> StoreException.malformedAnswer(uri, "read", "a partial answer without its Content-Range"));
        } else {
            // A whole-object answer (the server may ignore a range): its body is the object.
            size = content.length;
            content = content.length > limit ? Arrays.copyOf(content, (int) limit) : content;
        }
        if (content.length != Math.min(limit, size)) {
            throw new StoreUnavailableException(uri, "cannot read " + uri + ": the answer was cut short (" + content.length
                    + " of " + Math.min(limit, size) + " bytes)", null);
        }
        return new ObjectContent(info(uri, "read", size, response.lastModified(), response.eTag()), content);
    }

    /**
     * {@inheritDoc}
     *
     * <p>One {@code GetObject} of {@code Range: bytes=offset-(offset+length-1)}, with {@code If-Match: version} when a
     * version is given; the answer's ETag and {@code Content-Range} total are checked before this returns. The body is
     * read from the connection as the caller reads (bounded: the HTTP client's buffer); closing the stream before its
     * end aborts the connection rather than downloading the rest. A {@code length} of 0 sends nothing.
     */
    @Override
    public InputStream readStream(StoreUri uri, Optional<String> version, long offset, long length) throws StoreException {
        uri.requireObject(schemes(), nameLimits());
        ObjectStreams.requireRange(uri, offset, length);
        if (length == 0) {
            return InputStream.nullInputStream();
        }
        long end = offset + length;
        GetObjectRequest request = GetObjectRequest.builder().bucket(uri.authority()).key(uri.path())
                .range("bytes=" + offset + "-" + (end - 1)).ifMatch(version.map(S3Errors::quote).orElse(null)).build();
        ResponseInputStream<GetObjectResponse> answer = send(() -> s3.getObject(request),
                e -> S3Errors.classifyRangedRead(e, uri, version, end));
        knownBuckets.add(uri.authority());
        try {
            GetObjectResponse response = answer.response();
            boolean partial = response.sdkHttpResponse().statusCode() == 206;
            // A whole-object answer (the server may ignore a range) is the object from byte 0: skipped up to the range.
            long size = partial
                    ? ContentRange.totalSize(response.contentRange()).orElseThrow(() -> StoreException.malformedAnswer(uri, "read",
                            "a partial answer without its Content-Range"))
                    : Optional.ofNullable(response.contentLength()).orElseThrow(() -> StoreException.malformedAnswer(uri, "read",
                            "no size (Content-Length)"));
            ObjectStreams.requireVersionAndSize(uri, version, end, info(uri, "read", size, response.lastModified(), response.eTag()));
            InputStream body = new AbortedWhenClosedEarly(answer, partial ? length : size);
            if (!partial) {
                skip(uri, body, offset);
            }
            return ObjectStreams.exactly(uri, length, body, e -> S3Errors.classifyBody(e, uri));
        } catch (StoreException e) {
            answer.abort();
            throw e;
        }
    }

    private static void skip(StoreUri uri, InputStream body, long bytes) throws StoreException {
        try {
            body.skipNBytes(bytes);
        } catch (IOException | RuntimeException e) {
            throw S3Errors.classifyBody(e, uri);
        }
    }

    /**
     * A GET's body, aborted instead of closed when closed before its last byte: the HTTP client would otherwise read
     * the rest of the range to keep the connection, which for a large range is most of it.
     */
    private static final class AbortedWhenClosedEarly extends FilterInputStream {
        private final ResponseInputStream<?> answer;
        private long remaining;

        AbortedWhenClosedEarly(ResponseInputStream<?> answer, long bodyLength) {
            super(answer);
            this.answer = answer;
            this.remaining = bodyLength;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            remaining = b < 0 ? 0 : remaining - 1;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            remaining = n < 0 ? 0 : remaining - n;
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            remaining -= skipped;
            return skipped;
        }

        @Override
        public void close() throws IOException {
            if (remaining <= 0) {
                super.close();
                return;
            }
            answer.abort();
            try {
                super.close();
            } catch (IOException | RuntimeException ignored) {
                // the connection was just aborted: closing what is left of it has nothing to report
            }
        }
    }

    @Override
    public ObjectInfo write(StoreUri uri, byte[] bytes, WriteCondition condition) throws StoreException {
        uri.requireObject(schemes(), nameLimits());
        PutObjectRequest.Builder builder = PutObjectRequest.builder()
                .bucket(uri.authority()).key(uri.path()).contentLength((long) bytes.length);
        switch (condition.kind()) {
            case OVERWRITE -> { }
            case IF_ABSENT -> builder.ifNoneMatch("*");
            case IF_VERSION_MATCHES -> builder.ifMatch(S3Errors.quote(condition.expectedVersion().orElseThrow()));
        }
        PutObjectRequest request = builder.build();
        PutObjectResponse response = send(() -> s3.putObject(request, unshared(bytes, bytes.length)),
                e -> S3Errors.classifyWrite(e, uri, condition));
        knownBuckets.add(uri.authority());
        String version = S3Errors.unquote(response.eTag())
                .orElseThrow(() -> S3Errors.unreadableAcknowledgement(uri, "the write of", "no ETag"));
        return new ObjectInfo(uri, bytes.length, serverTime(response.sdkHttpResponse()), version);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Up to one part ({@link #partSize}) the content is read into memory and sent as one {@code PutObject}, which
     * the SDK can retry. Above it, a multipart upload: {@code CreateMultipartUpload}, one {@code UploadPart} per part,
     * each read into the same buffer of the part size (the memory bound) and retried by the SDK from it, then
     * {@code CompleteMultipartUpload}, which makes the object appear whole. On any failure, of the content or of S3,
     * the upload is aborted (best effort) and nothing appears at {@code uri}. Each part carries a CRC32 checksum that
     * S3 checks.
     *
     * @throws UnsupportedStoreOperationException for more than S3's largest object, 5 TiB, before anything is sent
     */
    @Override
    public ObjectInfo writeStream(StoreUri uri, InputStream content, long length) throws StoreException {
        uri.requireObject(schemes(), nameLimits());
        ObjectStreams.requireRange(uri, 0, length);
        if (length > MAX_OBJECT_BYTES) {
            throw new UnsupportedStoreOperationException(uri, "cannot write " + length + " bytes to " + uri
                    + ": S3 holds objects of at most " + MAX_OBJECT_BYTES + " bytes", null);
        }
        long partSize = partSize(length);
        if (length <= partSize) {
            return write(uri, ObjectStreams.readExactly(uri, content, length), WriteCondition.overwrite());
        }
        return writeInParts(uri, content, length, (int) partSize);
    }

    /** The part size of a streamed write of {@code length} bytes: {@link #PART_SIZE}, or more where 10,000 would not do. */
    static long partSize(long length) {
        return partSize(PART_SIZE, length);
    }

    /** At least {@code minimum}, and large enough that {@code length} bytes fit in {@link #MAX_PARTS} parts. */
    private static long partSize(long minimum, long length) {
        return Math.max(minimum, (length + MAX_PARTS - 1) / MAX_PARTS);
    }

    private ObjectInfo writeInParts(StoreUri uri, InputStream content, long length, int partSize) throws StoreException {
        // Nothing at uri changes before the upload completes: a failure until then is a plain failure, never unknown.
        String uploadId = createUpload(uri, "write", r -> r.checksumAlgorithm(ChecksumAlgorithm.CRC32),
                e -> S3Errors.classify(e, uri, "write", false));
        byte[] buffer = new byte[partSize];
        try {
            List<CompletedPart> parts = new ArrayList<>();
            for (long offset = 0; offset < length; offset += partSize) {
                int size = (int) Math.min(partSize, length - offset);
                readPart(uri, content, buffer, size, offset, length);
                int number = parts.size() + 1;
                UploadPartResponse part = send(() -> s3.uploadPart(r -> r.bucket(uri.authority()).key(uri.path()).uploadId(uploadId)
                                .partNumber(number).contentLength((long) size).checksumAlgorithm(ChecksumAlgorithm.CRC32),
                                unshared(buffer, size)),
                        e -> S3Errors.classify(e, uri, "write", false));
                String etag = Optional.ofNullable(part.eTag()).filter(t -> !t.isBlank())
                        .orElseThrow(() -> StoreException.malformedAnswer(uri, "write", "an uploaded part without its ETag"));
                parts.add(CompletedPart.builder().partNumber(number).eTag(etag).checksumCRC32(part.checksumCRC32()).build());
            }
            return completeUpload(uri, uploadId, parts, length, "the write of", e -> S3Errors.classifyComplete(e, uri));
        } catch (StoreException failure) {
            abort(uri, uploadId, failure);
            throw failure;
        }
    }

    /** Reads the next {@code size} bytes of a streamed write's content into {@code buffer}. */
    private static void readPart(StoreUri uri, InputStream content, byte[] buffer, int size, long offset, long length)
            throws StoreException {
        int read;
        try {
            read = content.readNBytes(buffer, 0, size);
        } catch (IOException | RuntimeException e) {
            throw ObjectStreams.contentFailed(uri, e);
        }
        if (read < size) {
            throw ObjectStreams.contentEnded(uri, offset + read, length);
        }
    }

    /**
     * The first {@code size} bytes of {@code buffer} as a body the SDK can send again on a retry, without the copy
     * {@link RequestBody#fromBytes} makes: the buffer is not touched until the request is answered.
     */
    private static RequestBody unshared(byte[] buffer, int size) {
        return RequestBody.fromContentProvider(() -> new ByteArrayInputStream(buffer, 0, size), size, "application/octet-stream");
    }

    /**
     * When the server answered (its {@code Date}), the write time where the answer carries no Last-Modified
     * (a PUT's never does); the local clock when it carries neither, as the write happened just now.
     */
    private static Instant serverTime(SdkHttpResponse response) {
        return response.firstMatchingHeader("Date").flatMap(date -> {
            try {
                return Optional.of(ZonedDateTime.parse(date, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
            } catch (DateTimeParseException e) {
                return Optional.empty();
            }
        }).orElseGet(Instant::now);
    }

    /**
     * {@inheritDoc}
     *
     * <p>One {@code CopyObject}, or above the multipart threshold {@code CreateMultipartUpload}, one
     * {@code UploadPartCopy} per part and {@code CompleteMultipartUpload} (aborted on failure, so the target
     * is unchanged): every copy request carries {@code x-amz-copy-source-if-match: source.version()}, and the
     * parts' ranges come from {@code source.size()}, which that condition makes the size of the bytes copied.
     */
    @Override
    public ObjectInfo copy(ObjectInfo source, StoreUri target) throws StoreException {
        source.uri().requireCopyTo(target, schemes(), nameLimits());
        ObjectInfo copied = source.size() <= config.multipartCopyThreshold() ? copyWhole(source, target) : copyInParts(source, target);
        knownBuckets.add(target.authority());
        return copied;
    }

    private ObjectInfo copyWhole(ObjectInfo source, StoreUri target) throws StoreException {
        StoreUri from = source.uri();
        CopyObjectResponse response = send(() -> s3.copyObject(r -> r.sourceBucket(from.authority()).sourceKey(from.path())
                        .destinationBucket(target.authority()).destinationKey(target.path())
                        .copySourceIfMatch(S3Errors.quote(source.version()))),
                e -> copyFailure(e, source, target));
        Optional<CopyObjectResult> result = Optional.ofNullable(response.copyObjectResult());
        String version = result.flatMap(r -> S3Errors.unquote(r.eTag()))
                .orElseThrow(() -> S3Errors.unreadableAcknowledgement(target, "the copy to", "no ETag"));
        Instant modified = result.map(CopyObjectResult::lastModified).orElseGet(() -> serverTime(response.sdkHttpResponse()));
        return new ObjectInfo(target, source.size(), modified, version);
    }

    private ObjectInfo copyInParts(ObjectInfo source, StoreUri target) throws StoreException {
        StoreUri from = source.uri();
        long partSize = partSize(config.multipartCopyThreshold(), source.size());
        String action = "copy " + from + " to";
        String uploadId = createUpload(target, action, r -> { }, e -> S3Errors.classify(e, target, action, true));
        try {
            List<CompletedPart> parts = new ArrayList<>();
            for (long offset = 0; offset < source.size(); offset += partSize) {
                int number = parts.size() + 1;
                String range = "bytes=" + offset + "-" + (Math.min(offset + partSize, source.size()) - 1);
                UploadPartCopyResponse part = send(() -> s3.uploadPartCopy(r -> r.sourceBucket(from.authority()).sourceKey(from.path())
                                .destinationBucket(target.authority()).destinationKey(target.path())
                                .uploadId(uploadId).partNumber(number).copySourceRange(range)
                                .copySourceIfMatch(S3Errors.quote(source.version()))),
                        e -> copyFailure(e, source, target));
                String etag = Optional.ofNullable(part.copyPartResult()).map(CopyPartResult::eTag).filter(t -> !t.isBlank())
                        .orElseThrow(() -> StoreException.malformedAnswer(target, action, "a copied part without its ETag"));
                parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
            }
            return completeUpload(target, uploadId, parts, source.size(), "the copy to", e -> copyFailure(e, source, target));
        } catch (StoreException failure) {
            abort(target, uploadId, failure);
            throw failure;
        }
    }

    /** Starts a multipart upload to {@code target}; its upload id. */
    private String createUpload(StoreUri target, String action, Consumer<CreateMultipartUploadRequest.Builder> options,
                                Classifier classifier) throws StoreException {
        CreateMultipartUploadResponse created = send(() -> s3.createMultipartUpload(r -> options.accept(
                r.bucket(target.authority()).key(target.path()))), classifier);
        return Optional.ofNullable(created.uploadId()).filter(id -> !id.isEmpty())
                .orElseThrow(() -> StoreException.malformedAnswer(target, action, "no UploadId"));
    }

    /** Completes a multipart upload of {@code size} bytes: the object appears at {@code target}, whole. */
    private ObjectInfo completeUpload(StoreUri target, String uploadId, List<CompletedPart> parts, long size, String action,
                                      Classifier classifier) throws StoreException {
        CompleteMultipartUploadResponse done = send(() -> s3.completeMultipartUpload(r -> r.bucket(target.authority())
                .key(target.path()).uploadId(uploadId).multipartUpload(u -> u.parts(parts))), classifier);
        String version = S3Errors.unquote(done.eTag())
                .orElseThrow(() -> S3Errors.unreadableAcknowledgement(target, action, "no ETag"));
        return new ObjectInfo(target, size, serverTime(done.sdkHttpResponse()), version);
    }

    /** A failed copy request within one bucket, a missing bucket told apart from a missing source. */
    private StoreException copyFailure(RuntimeException e, ObjectInfo source, StoreUri target) {
        StoreUri from = source.uri();
        StoreException failure = S3Errors.classifyCopy(e, source, target);
        if (failure instanceof StoreNotFoundException && failure.uri().equals(from) && !bucketExists(from)) {
            // Some servers answer a copy from a missing bucket with NoSuchKey.
            return S3Errors.bucketNotFound(from, "copy from", e);
        }
        return failure;
    }

    /** Parts of an unfinished upload are billed until aborted; a failed abort is noted on the failure. */
    private void abort(StoreUri target, String uploadId, StoreException failure) {
        try {
            s3.abortMultipartUpload(r -> r.bucket(target.authority()).key(target.path()).uploadId(uploadId));
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    @Override
    public void delete(StoreUri uri) throws StoreException {
        uri.requireObject(schemes(), nameLimits());
        try {
            s3.deleteObject(r -> r.bucket(uri.authority()).key(uri.path()));
        } catch (RuntimeException e) {
            StoreException failure = S3Errors.classify(e, uri, "delete", true);
            // S3 answers 204 for a missing key; a server that says 404 NoSuchKey means the same.
            if (!(failure instanceof StoreNotFoundException) || failure instanceof ContainerNotFoundException) {
                throw failure;
            }
        }
    }

    @Override
    public void deleteAll(Collection<StoreUri> uris) throws StoreException {
        for (StoreUri uri : uris) {
            uri.requireObject(schemes(), nameLimits());
        }
        Map<String, List<StoreUri>> byBucket = new LinkedHashMap<>();
        for (StoreUri uri : uris) {
            byBucket.computeIfAbsent(uri.authority(), b -> new ArrayList<>()).add(uri);
        }
        for (Map.Entry<String, List<StoreUri>> bucket : byBucket.entrySet()) {
            List<StoreUri> all = bucket.getValue();
            for (int from = 0; from < all.size(); from += DELETE_BATCH) {
                deleteBatch(bucket.getKey(), all.subList(from, Math.min(from + DELETE_BATCH, all.size())));
            }
        }
    }

    private void deleteBatch(String bucket, List<StoreUri> batch) throws StoreException {
        Map<String, StoreUri> byKey = new LinkedHashMap<>();
        batch.forEach(uri -> byKey.put(uri.path(), uri));
        List<ObjectIdentifier> keys = byKey.keySet().stream().map(k -> ObjectIdentifier.builder().key(k).build()).toList();
        DeleteObjectsResponse response = send(() -> s3.deleteObjects(r -> r.bucket(bucket).delete(Delete.builder().objects(keys).quiet(true).build())),
                e -> S3Errors.classify(e, batch.get(0), "delete", true));
        for (S3Error error : response.errors()) {
            String code = Objects.requireNonNullElse(error.code(), "");
            if (!code.equals("NoSuchKey")) {
                StoreUri uri = byKey.getOrDefault(error.key(), batch.get(0));
                throw S3Errors.classifyBatchError(code.isEmpty() ? "(no error code)" : code, error.message(), uri);
            }
        }
    }

    @Override
    public void close() throws StoreException {
        StoreException failure = null;
        try {
            s3.close();
        } catch (RuntimeException e) {
            failure = new StoreException(null, "cannot close the S3 client", e);
        }
        for (AutoCloseable closeable : closeables) {
            try {
                closeable.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = new StoreException(null, "cannot close the S3 store's credentials", e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public String toString() {
        return "S3CheckpointStore[" + config.endpoint().map(Object::toString).orElse("aws") + "]";
    }
}
