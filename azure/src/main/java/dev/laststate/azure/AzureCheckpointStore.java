package dev.laststate.azure;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.SimpleTokenCache;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import com.azure.core.exception.ClientAuthenticationException;
import com.azure.core.http.HttpAuthorization;
import com.azure.core.exception.HttpResponseException;
import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpHeaders;
import com.azure.core.http.RequestConditions;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.core.http.rest.Response;
import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.core.util.DateTimeRfc1123;
import com.azure.core.util.polling.LongRunningOperationStatus;
import com.azure.core.util.polling.PollResponse;
import com.azure.core.util.polling.SyncPoller;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobBeginCopySourceRequestConditions;
import com.azure.storage.blob.models.BlobCopyInfo;
import com.azure.storage.blob.models.BlobDownloadResponse;
import com.azure.storage.blob.models.BlobErrorCode;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobItemProperties;
import com.azure.storage.blob.models.BlobListDetails;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.BlobRange;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.BlockBlobItem;
import com.azure.storage.blob.models.CopyStatusType;
import com.azure.storage.blob.models.DownloadRetryOptions;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.options.BlobBeginCopyOptions;
import com.azure.storage.blob.options.BlobCopyFromUrlOptions;
import com.azure.storage.blob.options.BlobInputStreamOptions;
import com.azure.storage.blob.options.BlockBlobCommitBlockListOptions;
import com.azure.storage.blob.options.BlockBlobSimpleUploadOptions;
import com.azure.storage.blob.options.BlockBlobStageBlockOptions;
import com.azure.storage.blob.sas.BlobSasPermission;
import com.azure.storage.blob.specialized.BlobInputStream;
import com.azure.storage.blob.specialized.BlockBlobClient;
import com.azure.storage.blob.sas.BlobServiceSasSignatureValues;
import com.azure.storage.common.StorageSharedKeyCredential;
import com.azure.storage.common.policy.RequestRetryOptions;
import com.azure.storage.common.policy.RetryPolicyType;
import dev.laststate.store.Capability;
import dev.laststate.store.CheckpointStore;
import dev.laststate.store.ConditionFailedException;
import dev.laststate.store.ContainerNotFoundException;
import dev.laststate.store.ContentRange;
import dev.laststate.store.InvalidStoreConfigurationException;
import dev.laststate.store.Listing;
import dev.laststate.store.NameLimit;
import dev.laststate.store.ObjectAlreadyExistsException;
import dev.laststate.store.ObjectContent;
import dev.laststate.store.ObjectInfo;
import dev.laststate.store.ObjectStreams;
import dev.laststate.store.OutcomeUnknownException;
import dev.laststate.store.StoreAccessDeniedException;
import dev.laststate.store.StoreException;
import dev.laststate.store.StoreNotFoundException;
import dev.laststate.store.StoreUnavailableException;
import dev.laststate.store.StoreUri;
import dev.laststate.store.UnsupportedStoreOperationException;
import dev.laststate.store.WriteCondition;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.Exceptions;

/**
 * Azure Blob Storage through the Blob API, for {@code abfs}, {@code abfss}, {@code wasb} and {@code wasbs}
 * locations; accounts with a hierarchical namespace (ADLS Gen2) work the same way, their directory
 * entries are skipped.
 *
 * <p>Listing is by hierarchy with {@code /} as delimiter, every page. Writes are single Put Blob requests (a
 * streamed write over one block: staged blocks and one Put Block List), so a blob appears whole; "only if absent" is {@code If-None-Match: *}, "only if the version matches" is
 * {@code If-Match} with the ETag, which is the version. Copies run in the service: Copy Blob From URL up
 * to {@link AzureStoreConfig#syncCopyMaxBytes()}, an asynchronous Copy Blob polled until done above it.
 * Transient failures are retried by the SDK's retry policy, once, nowhere else.
 */
final class AzureCheckpointStore implements CheckpointStore {

    private static final String FOLDER_MARKER = "hdi_isfolder";
    private static final String STORAGE_SCOPE = "https://storage.azure.com/.default";
    private static final Duration SOURCE_SAS_LIFETIME = Duration.ofHours(1);
    private static final Duration COPY_POLL_INTERVAL = Duration.ofMillis(250);
    private static final Duration COPY_WAIT_LIMIT = Duration.ofHours(1);
    /** Four tries with exponential backoff from 1 s; each try may take five minutes (a large synchronous copy). */
    static final RequestRetryOptions DEFAULT_RETRIES = new RequestRetryOptions(RetryPolicyType.EXPONENTIAL, 4, Duration.ofMinutes(5),
            Duration.ofSeconds(1), Duration.ofSeconds(30), null);
    /**
     * A streamed read's chunk and a streamed write's block: what {@link #readStream} holds (the SDK's buffer) and
     * {@link #writeStream} holds (one reused buffer, besides {@link ObjectStreams#COPY_BUFFER_BYTES}), whatever the length.
     */
    static final int STREAM_BLOCK = 4 * 1024 * 1024;
    /** The most blocks the service commits into one blob. */
    private static final int MAX_BLOCKS = 50_000;
    /** The service's largest page. */
    static final int LIST_PAGE_SIZE = 5_000;
    private static final List<NameLimit> BLOB_NAME_LIMITS = List.of(
            new NameLimit(NameLimit.Measure.NAME_CHARS, 1024), new NameLimit(NameLimit.Measure.SEGMENTS, 254));

    private final AzureStoreConfig config;
    private final AzureCredentials credentials;
    private final HttpClient httpClient;
    private final RequestRetryOptions retryOptions;
    private final int listPageSize;
    /** One client per endpoint and account; locations of several accounts can meet in one run. */
    private final Map<String, BlobServiceClient> clients = new ConcurrentHashMap<>();
    /** The default chain and its token cache, created on first use (only when no environment credential is set). */
    private volatile TokenSource tokenSource;

    AzureCheckpointStore(AzureStoreConfig config, AzureCredentials credentials) {
        this(config, credentials, new JdkHttpClientBuilder().configuration(credentials.sdkConfiguration()).build(), LIST_PAGE_SIZE);
    }

    /**
     * A store sending its requests through {@code httpClient} and listing {@code listPageSize} names a
     * page: tests observe the requests, and make small directories span several pages.
     */
    AzureCheckpointStore(AzureStoreConfig config, AzureCredentials credentials, HttpClient httpClient, int listPageSize) {
        this(config, credentials, httpClient, listPageSize, DEFAULT_RETRIES);
    }

    /** A store retrying as {@code retryOptions} say: tests that inject faults make the retries short. */
    AzureCheckpointStore(AzureStoreConfig config, AzureCredentials credentials, HttpClient httpClient, int listPageSize,
                         RequestRetryOptions retryOptions) {
        this.config = config;
        this.credentials = credentials;
        credentials.check();
        this.httpClient = httpClient;
        this.listPageSize = listPageSize;
        this.retryOptions = retryOptions;
    }

    @Override
    public Set<String> schemes() {
        return AzureLocation.SCHEMES;
    }

    @Override
    public Set<Capability> capabilities() {
        return EnumSet.of(Capability.CONDITIONAL_CREATE, Capability.CONDITIONAL_REPLACE, Capability.SERVER_SIDE_COPY,
                Capability.BOUNDED_STREAMS);
    }

    /** Blob Storage refuses a blob name over 1,024 characters or of more than 254 segments. */
    @Override
    public List<NameLimit> nameLimits() {
        return BLOB_NAME_LIMITS;
    }

    // ---------------------------------------------------------------- operations

    @Override
    public Listing list(StoreUri directory) throws StoreException {
        AzureLocation location = AzureLocation.of(directory);
        String prefix = location.directoryPrefix();
        List<String> directories = new ArrayList<>();
        List<ObjectInfo> objects = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        ListBlobsOptions options = new ListBlobsOptions().setPrefix(prefix).setMaxResultsPerPage(listPageSize)
                .setDetails(new BlobListDetails().setRetrieveMetadata(true));
        try {
            for (BlobItem item : container(location).listBlobsByHierarchy("/", options, null)) {
                String fullName = required(item.getName(), directory, "list", "blob name");
                if (!fullName.startsWith(prefix)) {
                    throw StoreException.malformedAnswer(directory, "list", "a name below the prefix (it listed '" + StoreUri.printable(fullName) + "')");
                }
                // What the service lists below the directory: "name" for a blob, "name/" for a prefix.
                String name = fullName.substring(prefix.length());
                if (Boolean.TRUE.equals(item.isPrefix())) {
                    String directoryName = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
                    if (directory.canHold(directoryName)) {
                        directories.add(directoryName);
                    } else {
                        // "dir//x" lists the prefix "dir//" at "dir": an empty segment no location can hold.
                        skipped.add(name);
                    }
                } else if (name.isEmpty() || isFolder(item.getMetadata())) {
                    // A blob named exactly like the directory ("dir/", a marker some tools write) and the directory
                    // entries of a hierarchical namespace are the directory itself, not objects in it.
                    continue;
                } else if (!directory.canHold(name)) {
                    skipped.add(name);
                } else {
                    BlobItemProperties properties = required(item.getProperties(), directory, "list", "properties of " + name);
                    objects.add(new ObjectInfo(directory.resolve(name),
                            required(properties.getContentLength(), directory, "list", "Content-Length of " + name),
                            instant(required(properties.getLastModified(), directory, "list", "Last-Modified of " + name)),
                            required(properties.getETag(), directory, "list", "Etag of " + name)));
                }
            }
        } catch (RuntimeException e) {
            throw classify(e, directory, location, "list");
        }
        return Listing.sorted(directory, directories, objects, skipped);
    }

    @Override
    public Optional<ObjectInfo> stat(StoreUri uri) throws StoreException {
        uri.requireObject(schemes(), nameLimits());
        AzureLocation location = AzureLocation.of(uri);
        try {
            Response<BlobProperties> response = blob(location).getPropertiesWithResponse(null, null, Context.NONE);
            BlobProperties properties = required(response.getValue(), uri, "stat", "properties");
            if (isFolder(properties.getMetadata())) {
                return Optional.empty();
            }
            // From the raw headers: the SDK's model turns a missing Content-Length into a size of 0.
            HttpHeaders headers = response.getHeaders();
            return Optional.of(new ObjectInfo(uri, contentLength(headers, uri, "stat"),
                    instant(required(properties.getLastModified(), uri, "stat", "Last-Modified header")),
                    required(headers.getValue(HttpHeaderName.ETAG), uri, "stat", "ETag header")));
        } catch (BlobStorageException e) {
            if (isBlobNotFound(e)) {
                return Optional.empty();
            }
            throw classify(e, uri, location, "stat");
        } catch (RuntimeException e) {
            throw classify(e, uri, location, "stat");
        }
    }

    @Override
    public ObjectContent read(StoreUri uri, long maxBytes) throws StoreException {
        uri.requireObject(schemes(), nameLimits());
        AzureLocation location = AzureLocation.of(uri);
        if (maxBytes <= 0) {
            ObjectInfo info = stat(uri).orElseThrow(() -> StoreNotFoundException.noSuchObject(uri, "read"));
            return new ObjectContent(info, new byte[0]);
        }
        BlobRange range = maxBytes == Long.MAX_VALUE ? null : new BlobRange(0, maxBytes);
        try {
            return download(uri, location, range, maxBytes);
        } catch (BlobStorageException e) {
            if (range != null && e.getStatusCode() == 416) {
                // An empty blob has no byte 0 to start a range at; read it whole, it is empty or small.
                try {
                    return download(uri, location, null, maxBytes);
                } catch (RuntimeException again) {
                    throw readFailure(again, uri, location);
                }
            }
            throw readFailure(e, uri, location);
        } catch (RuntimeException e) {
            throw readFailure(e, uri, location);
        }
    }

    private ObjectContent download(StoreUri uri, AzureLocation location, BlobRange range, long maxBytes) throws StoreException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        // One GET: the bytes and the headers (ETag, size) belong to the same version; the SDK resumes an
        // interrupted body only with If-Match on that ETag.
        // As many resumptions of a cut-off body as the retry policy has retries: one budget of retries, not two.
        DownloadRetryOptions resumptions = new DownloadRetryOptions().setMaxRetryRequests(retryOptions.getMaxTries() - 1);
        BlobDownloadResponse response = blob(location).downloadStreamWithResponse(out, range, resumptions, null, false, null, Context.NONE);
        HttpHeaders headers = response.getHeaders();
        if (isFolder(response.getDeserializedHeaders().getMetadata())) {
            throw StoreNotFoundException.noSuchObject(uri, "read");
        }
        byte[] bytes = out.toByteArray();
        // A body cut short without the transport noticing (no Content-Length to hold it to) must not pass as the object.
        long announced = contentLength(headers, uri, "read");
        if (announced != bytes.length) {
            throw new StoreUnavailableException(uri, "cannot read " + uri + ": the answer announced " + announced + " bytes and carried "
                    + bytes.length + " (cut off)", null);
        }
        long size = range == null ? bytes.length
                : ContentRange.totalSize(headers.getValue(HttpHeaderName.CONTENT_RANGE)).orElseThrow(() -> StoreException.malformedAnswer(uri, "read", "no Content-Range header"));
        if (bytes.length > maxBytes) {
            bytes = Arrays.copyOf(bytes, (int) maxBytes);
        }
        return new ObjectContent(new ObjectInfo(uri, size,
                instant(required(response.getDeserializedHeaders().getLastModified(), uri, "read", "Last-Modified header")),
                required(headers.getValue(HttpHeaderName.ETAG), uri, "read", "ETag header")), bytes);
    }

    private StoreException readFailure(RuntimeException e, StoreUri uri, AzureLocation location) {
        if (e instanceof BlobStorageException b && isBlobNotFound(b)) {
            return new StoreNotFoundException(uri, "cannot read " + uri + ": no such object", e);
        }
        return classify(e, uri, location, "read");
    }

    @Override
    public ObjectInfo write(StoreUri uri, byte[] bytes, WriteCondition condition) throws StoreException {
        uri.requireObject(schemes(), nameLimits());
        return upload(uri, AzureLocation.of(uri), BinaryData.fromBytes(bytes), bytes.length, condition);
    }

    /** One Put Blob of {@code data}, {@code size} bytes: the blob appears whole. */
    private ObjectInfo upload(StoreUri uri, AzureLocation location, BinaryData data, long size, WriteCondition condition)
            throws StoreException {
        BlobRequestConditions conditions = switch (condition.kind()) {
            case OVERWRITE -> null;
            case IF_ABSENT -> new BlobRequestConditions().setIfNoneMatch("*");
            case IF_VERSION_MATCHES -> new BlobRequestConditions().setIfMatch(condition.expectedVersion().orElseThrow());
        };
        AtomicInteger attempts = new AtomicInteger();
        Response<BlockBlobItem> response;
        try {
            response = blob(location).getBlockBlobClient().uploadWithResponse(
                    new BlockBlobSimpleUploadOptions(data).setRequestConditions(conditions),
                    null, AttemptCounter.counting(attempts));
        } catch (BlobStorageException e) {
            int status = e.getStatusCode();
            boolean conditionFailed = status == 409 || status == 412 || (status == 404 && condition.kind() == WriteCondition.Kind.IF_VERSION_MATCHES
                    && !isContainerNotFound(e));
            if (conditionFailed && condition.kind() != WriteCondition.Kind.OVERWRITE) {
                if (attempts.get() > 1) {
                    throw new OutcomeUnknownException(uri, "cannot tell whether " + uri + " was written: the service refused the "
                            + "condition (" + detail(e) + ") after the client retried, and the first try may have written it", e);
                }
                if (condition.kind() == WriteCondition.Kind.IF_ABSENT) {
                    throw new ObjectAlreadyExistsException(uri, uri + " already exists (" + detail(e) + ")", e);
                }
                throw new ConditionFailedException(uri, uri + " changed or vanished since version " + condition.expectedVersion().orElseThrow()
                        + " was read (" + detail(e) + ")", e);
            }
            throw writeFailure(e, uri, location, attempts);
        } catch (RuntimeException e) {
            throw writeFailure(e, uri, location, attempts);
        }
        return written(uri, response, size);
    }

    /** The blob a Put Blob or Put Block List made, as its answer describes it. */
    private static ObjectInfo written(StoreUri uri, Response<BlockBlobItem> response, long size) throws OutcomeUnknownException {
        // The service said it wrote; without its version the caller cannot build on the write, so it must read.
        Optional<String> etag = Optional.ofNullable(response.getHeaders().getValue(HttpHeaderName.ETAG));
        Optional<OffsetDateTime> lastModified = Optional.ofNullable(response.getValue()).map(BlockBlobItem::getLastModified);
        if (etag.isEmpty() || lastModified.isEmpty()) {
            throw new OutcomeUnknownException(uri, "cannot tell which version of " + uri + " was written: the service accepted the write "
                    + "but its answer has no " + (etag.isEmpty() ? "ETag" : "Last-Modified") + " header (malformed or cut off)", null);
        }
        return new ObjectInfo(uri, size, instant(lastModified.get()), etag.get());
    }

    /**
     * {@inheritDoc}
     *
     * <p>A ranged download of exactly one ETag through the SDK's blob input stream: its first chunk is downloaded
     * before this returns (with {@code If-Match} on {@code version} when given, so the service answers 412 for another
     * version, 404 for none, 416 for a range that starts at or after the end), and its answer's size is checked against
     * the range; every later chunk carries {@code If-Match} on the ETag of that first answer. Memory: one chunk of
     * {@value #STREAM_BLOCK} bytes, whatever {@code length} is.
     */
    @Override
    public InputStream readStream(StoreUri uri, Optional<String> version, long offset, long length) throws StoreException {
        ObjectStreams.requireRange(uri, offset, length);
        uri.requireObject(schemes(), nameLimits());
        AzureLocation location = AzureLocation.of(uri);
        if (length == 0) {
            return InputStream.nullInputStream();
        }
        long end = offset + length;
        BlobInputStreamOptions options = new BlobInputStreamOptions().setRange(new BlobRange(offset, length)).setBlockSize(STREAM_BLOCK)
                .setRequestConditions(version.map(v -> new BlobRequestConditions().setIfMatch(v)).orElse(null));
        BlobInputStream in;
        try {
            in = blob(location).openInputStream(options, Context.NONE);
        } catch (RuntimeException e) {
            throw streamFailure(e, uri, location, end);
        }
        try {
            BlobProperties properties = required(in.getProperties(), uri, "read", "properties");
            if (isFolder(properties.getMetadata())) {
                throw StoreNotFoundException.noSuchObject(uri, "read");
            }
            if (properties.getBlobSize() < end) {
                throw new ConditionFailedException(uri, "cannot read " + uri + " up to byte " + end + ": it is "
                        + properties.getBlobSize() + " bytes", null);
            }
        } catch (StoreException e) {
            in.close(); // releases its buffer; throws nothing
            throw e;
        }
        return ObjectStreams.exactly(uri, length, in, e -> streamFailure(e, uri, location, end));
    }

    /** A failure of a streamed read up to byte {@code end}, thrown by the SDK or by its stream (wrapped in an IOException). */
    private StoreException streamFailure(Exception thrown, StoreUri uri, AzureLocation location, long end) {
        Throwable e = Exceptions.unwrap(thrown instanceof IOException && thrown.getCause() != null ? thrown.getCause() : thrown);
        if (e instanceof BlobStorageException b && b.getStatusCode() == 416) {
            return new ConditionFailedException(uri, "cannot read " + uri + " up to byte " + end + ": the range starts at or after its end ("
                    + detail(b) + ")", thrown);
        }
        if (e instanceof BlobStorageException b && isBlobNotFound(b)) {
            return new StoreNotFoundException(uri, "cannot read " + uri + ": no such object", thrown);
        }
        RuntimeException failure = e instanceof RuntimeException r ? r
                : new UncheckedIOException(thrown instanceof IOException io ? io : new IOException(thrown));
        return classify(failure, uri, location, "read");
    }

    /**
     * {@inheritDoc}
     *
     * <p>Blocks of {@value #STREAM_BLOCK} bytes staged from one reused buffer (Put Block, with ids of this write's
     * own), then one Put Block List without conditions: the blob appears, whole, when the list is committed. When
     * {@code content} fails or ends early, or a block cannot be staged, nothing is committed, so the blob is as it
     * was; the service garbage-collects uncommitted blocks (after a week). Content of at most one block is a single
     * Put Blob from the buffer. Memory: {@value #STREAM_BLOCK} bytes and {@link ObjectStreams#COPY_BUFFER_BYTES},
     * whatever {@code length} is; at most {@value #MAX_BLOCKS} blocks (about 195 GiB).
     *
     * @throws UnsupportedStoreOperationException for a length beyond {@value #MAX_BLOCKS} blocks, before anything is sent
     */
    @Override
    public ObjectInfo writeStream(StoreUri uri, InputStream content, long length) throws StoreException {
        ObjectStreams.requireRange(uri, 0, length);
        uri.requireObject(schemes(), nameLimits());
        AzureLocation location = AzureLocation.of(uri);
        if (length > (long) MAX_BLOCKS * STREAM_BLOCK) {
            throw new UnsupportedStoreOperationException(uri, "cannot write " + length + " bytes to " + uri + ": the service commits"
                    + " at most " + MAX_BLOCKS + " blocks, of " + STREAM_BLOCK + " bytes here", null);
        }
        BlockUpload upload;
        try {
            upload = new BlockUpload(blob(location).getBlockBlobClient(), (int) Math.min(STREAM_BLOCK, Math.max(length, 1)));
            ObjectStreams.copyExactly(uri, content, length, upload);
        } catch (StoreException contentFailed) {
            throw contentFailed;
        } catch (IOException | RuntimeException e) {
            // A block could not be staged: nothing was committed.
            throw classify(e instanceof RuntimeException r ? r : new UncheckedIOException((IOException) e), uri, location, "write");
        }
        if (upload.staged.isEmpty()) {
            return upload(uri, location, BinaryData.fromByteBuffer(ByteBuffer.wrap(upload.block, 0, upload.filled)), length,
                    WriteCondition.overwrite());
        }
        AtomicInteger attempts = new AtomicInteger();
        Response<BlockBlobItem> response;
        try {
            upload.stageFilled();
            response = upload.blob.commitBlockListWithResponse(new BlockBlobCommitBlockListOptions(upload.staged), null,
                    AttemptCounter.counting(attempts));
        } catch (RuntimeException e) {
            throw writeFailure(e, uri, location, attempts);
        }
        return written(uri, response, length);
    }

    /**
     * The blocks of one streamed write: bytes gather in one buffer, and a full one is staged when more bytes come,
     * so content of one block or less is never staged at all.
     */
    private static final class BlockUpload extends OutputStream {
        final BlockBlobClient blob;
        final byte[] block;
        final List<String> staged = new ArrayList<>();
        /** Every id of a blob has the same length; this write's own, so racing writers never commit each other's blocks. */
        private final String prefix = UUID.randomUUID().toString();
        int filled;

        BlockUpload(BlockBlobClient blob, int blockBytes) {
            this.blob = blob;
            this.block = new byte[blockBytes];
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            while (length > 0) {
                if (filled == block.length) {
                    stageFilled();
                }
                int n = Math.min(length, block.length - filled);
                System.arraycopy(bytes, offset, block, filled, n);
                filled += n;
                offset += n;
                length -= n;
            }
        }

        /** Stages what the buffer holds, if anything, as the next block. */
        void stageFilled() {
            if (filled == 0) {
                return;
            }
            String id = Base64.getEncoder().encodeToString(String.format("%s-%05d", prefix, staged.size()).getBytes(StandardCharsets.US_ASCII));
            blob.stageBlockWithResponse(new BlockBlobStageBlockOptions(id, BinaryData.fromByteBuffer(ByteBuffer.wrap(block, 0, filled))),
                    null, Context.NONE);
            staged.add(id);
            filled = 0;
        }
    }

    private StoreException writeFailure(RuntimeException e, StoreUri uri, AzureLocation location, AtomicInteger attempts) {
        StoreException classified = classify(e, uri, location, "write");
        if (classified instanceof StoreUnavailableException && attempts.get() > 0) {
            return new OutcomeUnknownException(uri, classified.getMessage() + "; the write may or may not have taken effect", e);
        }
        return classified;
    }

    /**
     * Copies exactly {@code listed.version()}: the copy request carries the source ETag as its source condition
     * ({@code x-ms-source-if-match}), so the service itself refuses a source that changed (HTTP 412) or is gone
     * (404), and the target stays as it was. The answer to the copy is the copy's ETag and time; nothing is
     * stat'ed before or after.
     */
    @Override
    public ObjectInfo copy(ObjectInfo listed, StoreUri target) throws StoreException {
        StoreUri source = listed.uri();
        source.requireCopyTo(target, schemes(), nameLimits());
        AzureLocation from = AzureLocation.of(source);
        AzureLocation to = AzureLocation.of(target);
        try {
            BlobClient sourceBlob = blob(from);
            BlobClient targetBlob = blob(to);
            if (listed.size() <= config.syncCopyMaxBytes()) {
                return copySynchronously(listed, target, sourceBlob, targetBlob);
            }
            return copyAsynchronously(listed, target, sourceBlob, targetBlob);
        } catch (BlobStorageException e) {
            throw copyFailure(e, listed, target, from, to);
        } catch (RuntimeException e) {
            throw classify(e, target, to, "copy " + source + " to");
        }
    }

    /** Copy Blob From URL: the service reads the source and writes the target in one request, up to 256 MiB. */
    private ObjectInfo copySynchronously(ObjectInfo listed, StoreUri target, BlobClient sourceBlob, BlobClient targetBlob) throws StoreException {
        BlobCopyFromUrlOptions options = new BlobCopyFromUrlOptions(authorizedSourceUrl(sourceBlob))
                .setSourceRequestConditions(new RequestConditions().setIfMatch(listed.version()));
        sourceAuthorization().ifPresent(options::setSourceAuthorization);
        Response<String> response = targetBlob.copyFromUrlWithResponse(options, null, Context.NONE);
        HttpHeaders headers = response.getHeaders();
        String action = "copy " + listed.uri() + " to";
        String status = headers.getValue(HttpHeaderName.fromString("x-ms-copy-status"));
        if (status != null && !CopyStatusType.SUCCESS.toString().equals(status)) {
            throw new StoreException(target, "cannot " + action + " " + target + ": the synchronous copy ended with status " + status, null);
        }
        return new ObjectInfo(target, listed.size(), copiedAt(headers.getValue(HttpHeaderName.LAST_MODIFIED), target, action),
                copiedVersion(headers.getValue(HttpHeaderName.ETAG), target, action));
    }

    /**
     * Copy Blob (asynchronous in the service, no size limit), polled until it ends. The start answers with the
     * target's ETag and time, and each poll (a Get Blob Properties of the target: the only way the service
     * tells that an asynchronous copy ended) with the ETag and completion time; the last of them is the copy.
     */
    private ObjectInfo copyAsynchronously(ObjectInfo listed, StoreUri target, BlobClient sourceBlob, BlobClient targetBlob) throws StoreException {
        // Within one account the copy is authorized by the request itself; a SAS client still needs the SAS on the source.
        String sourceUrl = credentials.source() == AzureCredentials.Source.DEFAULT_CHAIN ? sourceBlob.getBlobUrl() : authorizedSourceUrl(sourceBlob);
        SyncPoller<BlobCopyInfo, Void> poller = targetBlob.beginCopy(new BlobBeginCopyOptions(sourceUrl)
                .setSourceRequestConditions(new BlobBeginCopySourceRequestConditions().setIfMatch(listed.version()))
                .setPollInterval(COPY_POLL_INTERVAL));
        PollResponse<BlobCopyInfo> done = poller.waitForCompletion(COPY_WAIT_LIMIT);
        String action = "copy " + listed.uri() + " to";
        BlobCopyInfo info = done == null ? null : done.getValue();
        if (info == null) {
            throw StoreException.malformedAnswer(target, action, "no copy status");
        }
        if (done.getStatus() != LongRunningOperationStatus.SUCCESSFULLY_COMPLETED || info.getCopyStatus() != CopyStatusType.SUCCESS) {
            throw new StoreException(target, "cannot " + action + " " + target + ": the copy ended " + done.getStatus()
                    + " with copy status " + info.getCopyStatus() + (info.getError() == null ? "" : " (" + info.getError() + ")"), null);
        }
        if (info.getLastModified() == null) {
            throw StoreException.malformedAnswer(target, action, "no copy completion time");
        }
        return new ObjectInfo(target, listed.size(), info.getLastModified().toInstant(), copiedVersion(info.getETag(), target, action));
    }

    private static Instant copiedAt(String lastModified, StoreUri target, String action) throws StoreException {
        if (lastModified == null) {
            throw copiedButMalformed(target, action, "Last-Modified header");
        }
        try {
            return new DateTimeRfc1123(lastModified).getDateTime().toInstant();
        } catch (RuntimeException unparsable) {
            throw copiedButMalformed(target, action, "readable Last-Modified header");
        }
    }

    private static String copiedVersion(String etag, StoreUri target, String action) throws StoreException {
        if (etag == null || etag.isBlank()) {
            throw copiedButMalformed(target, action, "ETag");
        }
        return etag;
    }

    /** The service copied (it answered success) but the answer lacks what the copy's ObjectInfo needs. */
    private static OutcomeUnknownException copiedButMalformed(StoreUri target, String action, String what) {
        return new OutcomeUnknownException(target, "cannot " + action + " " + target + ": the service accepted the copy but its answer has no "
                + what + " (malformed or cut off); read the target to learn its version", null);
    }

    /** A refused copy: the source's condition or existence (reported on the source), else the target's container or access. */
    private StoreException copyFailure(BlobStorageException e, ObjectInfo listed, StoreUri target, AzureLocation from, AzureLocation to) {
        StoreUri source = listed.uri();
        int status = e.getStatusCode();
        String action = "copy " + source + " to";
        // Only the source carries a condition (the target's are never set), so any 412 is the source's ETag.
        if (status == 412) {
            return new ConditionFailedException(source, "cannot copy " + source + ": it is no longer version " + listed.version()
                    + " (" + detail(e) + "); " + target + " is unchanged", e);
        }
        if (status == 404) {
            // Azure names a source it cannot read in x-ms-copy-source-error-code; Azurite says ContainerNotFound, and
            // source and target share the container (a copy never leaves it).
            Optional<String> sourceError = Optional.ofNullable(e.getResponse() == null ? null
                    : e.getResponse().getHeaderValue(HttpHeaderName.fromString("x-ms-copy-source-error-code")));
            boolean sourceContainerMissing = sourceError.map(BlobErrorCode.CONTAINER_NOT_FOUND.toString()::equals)
                    .orElseGet(() -> isContainerNotFound(e));
            if (sourceContainerMissing) {
                return new ContainerNotFoundException(source, "cannot copy " + source + ": the container '" + from.container()
                        + "' does not exist in account '" + from.account() + "' (" + detail(e) + ")", e);
            }
            if (!isContainerNotFound(e) || sourceError.isPresent()) {
                // A copy needs no target to exist: a blob that is not found is the source.
                return new StoreNotFoundException(source, "cannot copy " + source + ": no such object (" + detail(e) + "); "
                        + target + " is unchanged", e);
            }
        }
        if (status == 409) {
            // Such as a copy still pending on the target: not a condition of this call.
            return new StoreException(target, "cannot " + action + " " + target + ": the service refused it (" + detail(e) + ")", e);
        }
        return classify(e, target, to, action);
    }

    /**
     * The source URL the service itself reads in Copy Blob From URL: with an account key, signed by a
     * short read-only SAS for that one blob; with a SAS, the same SAS; with a token, the bare URL (the
     * token goes in the source authorization header instead).
     */
    private String authorizedSourceUrl(BlobClient sourceBlob) {
        String url = sourceBlob.getBlobUrl();
        Optional<String> sas = credentials.sasToken();
        if (sas.isPresent()) {
            return url + "?" + (sas.get().startsWith("?") ? sas.get().substring(1) : sas.get());
        }
        if (credentials.isSharedKey()) {
            OffsetDateTime now = OffsetDateTime.now();
            BlobServiceSasSignatureValues values = new BlobServiceSasSignatureValues(now.plus(SOURCE_SAS_LIFETIME),
                    new BlobSasPermission().setReadPermission(true)).setStartTime(now.minusMinutes(5));
            return url + "?" + sourceBlob.generateSas(values);
        }
        return url;
    }

    private Optional<HttpAuthorization> sourceAuthorization() {
        if (credentials.source() != AzureCredentials.Source.DEFAULT_CHAIN) {
            return Optional.empty();
        }
        AccessToken token = tokenSource().cache.getToken().block();
        return Optional.ofNullable(token).map(t -> new HttpAuthorization("Bearer", t.getToken()));
    }

    @Override
    public void delete(StoreUri uri) throws StoreException {
        uri.requireObject(schemes(), nameLimits());
        AzureLocation location = AzureLocation.of(uri);
        try {
            blob(location).deleteWithResponse(null, null, null, Context.NONE);
        } catch (BlobStorageException e) {
            // A missing object is fine; so is a directory of a hierarchical namespace that still holds
            // objects: it is not an object, and deleting it must not touch what is below it.
            if (isBlobNotFound(e) || (e.getStatusCode() == 409 && "DirectoryIsNotEmpty".equals(errorCode(e)))) {
                return;
            }
            throw classify(e, uri, location, "delete");
        } catch (RuntimeException e) {
            throw classify(e, uri, location, "delete");
        }
    }

    // ---------------------------------------------------------------- clients

    private BlobContainerClient container(AzureLocation location) {
        return service(location).getBlobContainerClient(location.container());
    }

    private BlobClient blob(AzureLocation location) {
        return container(location).getBlobClient(location.blobName());
    }

    private BlobServiceClient service(AzureLocation location) {
        Optional<String> endpoint = config.endpoint().map(Object::toString)
                .or(() -> credentials.connectionStringNamesEndpoint() ? Optional.empty() : Optional.of(location.blobEndpoint()));
        String key = endpoint.orElse("") + "|" + location.account();
        return clients.computeIfAbsent(key, k -> newServiceClient(location, endpoint));
    }

    private BlobServiceClient newServiceClient(AzureLocation location, Optional<String> endpoint) {
        BlobServiceClientBuilder builder = new BlobServiceClientBuilder()
                .httpClient(httpClient)
                .configuration(credentials.sdkConfiguration())
                .retryOptions(retryOptions)
                .addPolicy(new AttemptCounter());
        try {
            switch (credentials.source()) {
                case CONNECTION_STRING -> builder.connectionString(credentials.secret());
                case SAS_TOKEN -> builder.sasToken(credentials.secret());
                case ACCOUNT_KEY -> builder.credential(new StorageSharedKeyCredential(location.account(), credentials.secret()));
                case DEFAULT_CHAIN -> builder.credential(tokenSource().credential);
            }
            endpoint.ifPresent(builder::endpoint);
            return builder.buildClient();
        } catch (IllegalArgumentException e) {
            // The SDK's message may quote the connection string; name only the variable.
            throw new InvalidStoreConfigurationException("cannot configure the Azure client for account '" + location.account() + "' from "
                    + credentials.source() + (endpoint.isPresent() ? " and endpoint " + endpoint.get() : "")
                    + ": the connection string, key, SAS token or endpoint is malformed");
        }
    }

    private TokenSource tokenSource() {
        TokenSource source = tokenSource;
        if (source == null) {
            synchronized (this) {
                source = tokenSource;
                if (source == null) {
                    source = new TokenSource(new DefaultAzureCredentialBuilder().httpClient(httpClient)
                            .configuration(credentials.sdkConfiguration()).build());
                    tokenSource = source;
                }
            }
        }
        return source;
    }

    /** The default credential chain and a cache of its storage token (Azure CLI would be asked on every copy otherwise). */
    private static final class TokenSource {
        final TokenCredential credential;
        final SimpleTokenCache cache;

        TokenSource(TokenCredential credential) {
            this.credential = credential;
            TokenRequestContext request = new TokenRequestContext().addScopes(STORAGE_SCOPE);
            this.cache = new SimpleTokenCache(() -> credential.getToken(request));
        }
    }

    // ---------------------------------------------------------------- errors

    /**
     * The one place SDK failures become the store's vocabulary: the service's answers by status, the SDK's own
     * unchecked exceptions (reactor's wrappers unwrapped) by what caused them, anything else a plain
     * {@link StoreException}; never an unchecked exception. Messages carry status and error code, never a URL with a SAS.
     */
    private StoreException classify(RuntimeException thrown, StoreUri uri, AzureLocation location, String action) {
        String prefix = "cannot " + action + " " + uri + ": ";
        Throwable e = Exceptions.unwrap(thrown);
        if (e instanceof InvalidStoreConfigurationException invalid) {
            // A malformed credential or endpoint found when the first client is built: bad input, not an I/O failure.
            throw invalid;
        }
        if (e instanceof BlobStorageException b) {
            int status = b.getStatusCode();
            if (status == 403) {
                return new StoreAccessDeniedException(uri, prefix + "access denied (" + detail(b) + "); the credentials from "
                        + credentials.source() + " need the role Storage Blob Data Contributor on container '" + location.container()
                        + "' of account '" + location.account() + "', or a SAS with read, list, write and delete", thrown);
            }
            if (status == 404 && isContainerNotFound(b)) {
                return new ContainerNotFoundException(uri, prefix + "the container '" + location.container() + "' does not exist in account '"
                        + location.account() + "' (" + detail(b) + ")", thrown);
            }
            if (status == 404) {
                return new StoreNotFoundException(uri, prefix + "not found (" + detail(b) + ")", thrown);
            }
            if (status == 409 || status == 412) {
                return new ConditionFailedException(uri, prefix + "a condition failed (" + detail(b) + ")", thrown);
            }
            if (status == 408 || status == 429 || status >= 500) {
                return new StoreUnavailableException(uri, prefix + "the service is busy or failing (" + detail(b) + ") after the client's retries", thrown);
            }
            return new StoreException(uri, prefix + detail(b), thrown);
        }
        if (e instanceof ClientAuthenticationException) {
            return new StoreAccessDeniedException(uri, prefix + "no usable Azure credentials: set " + AzureCredentials.CONNECTION_STRING + ", "
                    + AzureCredentials.SAS_TOKEN + " or " + AzureCredentials.ACCOUNT_KEY
                    + ", or provide an identity for DefaultAzureCredential (workload or managed identity, az login)", thrown);
        }
        if (e instanceof HttpResponseException h && h.getResponse() != null) {
            int status = h.getResponse().getStatusCode();
            String what = "HTTP " + status;
            if (status == 401 || status == 403) {
                return new StoreAccessDeniedException(uri, prefix + "access denied (" + what + ")", thrown);
            }
            if (status == 408 || status == 429 || status >= 500) {
                return new StoreUnavailableException(uri, prefix + "the service is busy or failing (" + what + ") after the client's retries", thrown);
            }
            return new StoreException(uri, prefix + "the service answered " + what + " in a form the client could not read", thrown);
        }
        if (hasCause(e, IOException.class) || hasCause(e, TimeoutException.class) || hasCause(e, UncheckedIOException.class)) {
            // A reset connection, a body cut short, a time-out: the SDK's retries are spent.
            return new StoreUnavailableException(uri, prefix + "the service could not be reached or its answer was cut off after the "
                    + "client's retries (" + rootMessage(e) + ")", thrown);
        }
        // Such as the SDK refusing a token over plain http, or failing on an answer it cannot parse: its own
        // message says why (the class name only where it has none; SDK messages quote no secrets, URLs carry no SAS here).
        return new StoreException(uri, prefix + "the client failed (" + e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : ": " + firstLine(e.getMessage())) + ")", thrown);
    }

    /** {@code value}, or the failure of an answer that lacks it. */
    private static <T> T required(T value, StoreUri uri, String action, String what) throws StoreException {
        if (value == null) {
            throw StoreException.malformedAnswer(uri, action, "no " + what);
        }
        return value;
    }


    /** The Content-Length of an answer: the size of a blob (HEAD) or of the body that came with it (GET). */
    private static long contentLength(HttpHeaders headers, StoreUri uri, String action) throws StoreException {
        String value = headers.getValue(HttpHeaderName.CONTENT_LENGTH);
        if (value == null) {
            throw StoreException.malformedAnswer(uri, action, "no Content-Length header");
        }
        try {
            long length = Long.parseLong(value.strip());
            if (length >= 0) {
                return length;
            }
        } catch (NumberFormatException notANumber) {
            // reported below
        }
        throw StoreException.malformedAnswer(uri, action, "no valid Content-Length header");
    }


    private static String firstLine(String message) {
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }


    private static boolean isBlobNotFound(BlobStorageException e) {
        return e.getStatusCode() == 404 && !isContainerNotFound(e);
    }

    private static boolean isContainerNotFound(BlobStorageException e) {
        return BlobErrorCode.CONTAINER_NOT_FOUND.toString().equals(errorCode(e));
    }

    private static String errorCode(BlobStorageException e) {
        return e.getErrorCode() == null ? null : e.getErrorCode().toString();
    }

    private static String detail(BlobStorageException e) {
        String code = errorCode(e);
        return "HTTP " + e.getStatusCode() + (code == null ? "" : " " + code);
    }

    private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }

    private static boolean isFolder(Map<String, String> metadata) {
        return metadata != null && "true".equalsIgnoreCase(metadata.get(FOLDER_MARKER));
    }

    private static Instant instant(OffsetDateTime time) {
        return time.toInstant();
    }

    @Override
    public String toString() {
        return "AzureCheckpointStore[" + credentials.source() + config.endpoint().map(e -> ", " + e).orElse("") + "]";
    }
}
