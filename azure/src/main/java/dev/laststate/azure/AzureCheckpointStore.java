package dev.laststate.azure;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.SimpleTokenCache;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import com.azure.core.exception.ClientAuthenticationException;
import com.azure.core.http.HttpAuthorization;
import com.azure.core.http.HttpClient;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.core.http.rest.Response;
import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.core.util.polling.LongRunningOperationStatus;
import com.azure.core.util.polling.PollResponse;
import com.azure.core.util.polling.SyncPoller;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
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
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.options.BlobBeginCopyOptions;
import com.azure.storage.blob.options.BlobCopyFromUrlOptions;
import com.azure.storage.blob.options.BlockBlobSimpleUploadOptions;
import com.azure.storage.blob.sas.BlobSasPermission;
import com.azure.storage.blob.sas.BlobServiceSasSignatureValues;
import com.azure.storage.common.StorageSharedKeyCredential;
import com.azure.storage.common.policy.RequestRetryOptions;
import com.azure.storage.common.policy.RetryPolicyType;
import dev.laststate.store.Capability;
import dev.laststate.store.CheckpointStore;
import dev.laststate.store.ConditionFailedException;
import dev.laststate.store.ContainerNotFoundException;
import dev.laststate.store.InvalidStoreConfigurationException;
import dev.laststate.store.Listing;
import dev.laststate.store.ObjectAlreadyExistsException;
import dev.laststate.store.ObjectContent;
import dev.laststate.store.ObjectInfo;
import dev.laststate.store.OutcomeUnknownException;
import dev.laststate.store.StoreAccessDeniedException;
import dev.laststate.store.StoreException;
import dev.laststate.store.StoreNotFoundException;
import dev.laststate.store.StoreUnavailableException;
import dev.laststate.store.StoreUri;
import dev.laststate.store.WriteCondition;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Azure Blob Storage through the Blob API, for {@code abfs}, {@code abfss}, {@code wasb} and {@code wasbs}
 * locations; accounts with a hierarchical namespace (ADLS Gen2) work the same way, their directory
 * entries are skipped.
 *
 * <p>Listing is by hierarchy with {@code /} as delimiter, every page. Writes are single Put Blob requests,
 * so a blob appears whole; "only if absent" is {@code If-None-Match: *}, "only if the version matches" is
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
    /** The service's largest page. */
    static final int LIST_PAGE_SIZE = 5_000;

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
        this(config, credentials, new JdkHttpClientBuilder().build(), LIST_PAGE_SIZE);
    }

    /**
     * A store sending its requests through {@code httpClient} and listing {@code listPageSize} names a
     * page: tests observe the requests, and make small directories span several pages.
     */
    AzureCheckpointStore(AzureStoreConfig config, AzureCredentials credentials, HttpClient httpClient, int listPageSize) {
        this.config = config;
        this.credentials = credentials;
        credentials.check();
        this.httpClient = httpClient;
        this.listPageSize = listPageSize;
        // Four tries with exponential backoff from 1 s; each try may take a minute (a large synchronous copy longer).
        this.retryOptions = new RequestRetryOptions(RetryPolicyType.EXPONENTIAL, 4, Duration.ofMinutes(5),
                Duration.ofSeconds(1), Duration.ofSeconds(30), null);
    }

    @Override
    public Set<String> schemes() {
        return AzureLocation.SCHEMES;
    }

    @Override
    public Set<Capability> capabilities() {
        return EnumSet.allOf(Capability.class);
    }

    // ---------------------------------------------------------------- operations

    @Override
    public Listing list(StoreUri directory) throws StoreException {
        AzureLocation location = AzureLocation.of(directory);
        String prefix = location.directoryPrefix();
        List<String> directories = new ArrayList<>();
        List<ObjectInfo> objects = new ArrayList<>();
        ListBlobsOptions options = new ListBlobsOptions().setPrefix(prefix).setMaxResultsPerPage(listPageSize)
                .setDetails(new BlobListDetails().setRetrieveMetadata(true));
        try {
            for (BlobItem item : container(location).listBlobsByHierarchy("/", options, null)) {
                String name = item.getName().substring(prefix.length());
                if (Boolean.TRUE.equals(item.isPrefix())) {
                    String directoryName = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
                    if (!directoryName.isEmpty()) {
                        directories.add(directoryName);
                    }
                } else if (!name.isEmpty() && !isFolder(item.getMetadata())) {
                    BlobItemProperties properties = item.getProperties();
                    objects.add(new ObjectInfo(directory.resolve(name), properties.getContentLength(),
                            instant(properties.getLastModified()), properties.getETag()));
                }
            }
        } catch (RuntimeException e) {
            throw classify(e, directory, location, "list");
        }
        // The service orders by UTF-8 bytes; the Listing contract is Java String order.
        directories.sort(Comparator.naturalOrder());
        objects.sort(Comparator.comparing(ObjectInfo::name));
        return new Listing(directory, directories, objects);
    }

    @Override
    public Optional<ObjectInfo> stat(StoreUri uri) throws StoreException {
        AzureLocation location = AzureLocation.of(uri);
        if (location.blobName().isEmpty()) {
            return Optional.empty();
        }
        try {
            BlobProperties properties = blob(location).getPropertiesWithResponse(null, null, Context.NONE).getValue();
            if (isFolder(properties.getMetadata())) {
                return Optional.empty();
            }
            return Optional.of(new ObjectInfo(uri, properties.getBlobSize(), instant(properties.getLastModified()), properties.getETag()));
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
        AzureLocation location = AzureLocation.of(uri);
        if (location.blobName().isEmpty()) {
            throw notFound(uri, "read");
        }
        if (maxBytes <= 0) {
            ObjectInfo info = stat(uri).orElseThrow(() -> notFound(uri, "read"));
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

    private ObjectContent download(StoreUri uri, AzureLocation location, BlobRange range, long maxBytes) throws StoreNotFoundException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        // One GET: the bytes and the headers (ETag, size) belong to the same version; the SDK resumes an
        // interrupted body only with If-Match on that ETag.
        BlobDownloadResponse response = blob(location).downloadStreamWithResponse(out, range, null, null, false, null, Context.NONE);
        var headers = response.getDeserializedHeaders();
        if (isFolder(headers.getMetadata())) {
            throw notFound(uri, "read");
        }
        byte[] bytes = out.toByteArray();
        long size = totalSize(headers.getContentRange()).orElse((long) bytes.length);
        if (bytes.length > maxBytes) {
            bytes = Arrays.copyOf(bytes, (int) maxBytes);
        }
        return new ObjectContent(new ObjectInfo(uri, size, instant(headers.getLastModified()), headers.getETag()), bytes);
    }

    private StoreException readFailure(RuntimeException e, StoreUri uri, AzureLocation location) {
        if (e instanceof BlobStorageException b && isBlobNotFound(b)) {
            return new StoreNotFoundException(uri, "cannot read " + uri + ": no such object", e);
        }
        return classify(e, uri, location, "read");
    }

    @Override
    public ObjectInfo write(StoreUri uri, byte[] bytes, WriteCondition condition) throws StoreException {
        AzureLocation location = AzureLocation.of(uri);
        if (location.blobName().isEmpty()) {
            throw new StoreException(uri, "cannot write " + uri + ": it names a container, not an object", null);
        }
        BlobRequestConditions conditions = switch (condition.kind()) {
            case OVERWRITE -> null;
            case IF_ABSENT -> new BlobRequestConditions().setIfNoneMatch("*");
            case IF_VERSION_MATCHES -> new BlobRequestConditions().setIfMatch(condition.expectedVersion().orElseThrow());
        };
        AtomicInteger attempts = new AtomicInteger();
        try {
            Response<BlockBlobItem> response = blob(location).getBlockBlobClient().uploadWithResponse(
                    new BlockBlobSimpleUploadOptions(BinaryData.fromBytes(bytes)).setRequestConditions(conditions),
                    null, AttemptCounter.counting(attempts));
            BlockBlobItem item = response.getValue();
            return new ObjectInfo(uri, bytes.length, instant(item.getLastModified()), item.getETag());
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
    }

    private StoreException writeFailure(RuntimeException e, StoreUri uri, AzureLocation location, AtomicInteger attempts) {
        StoreException classified = classify(e, uri, location, "write");
        if (classified instanceof StoreUnavailableException && attempts.get() > 0) {
            return new OutcomeUnknownException(uri, classified.getMessage() + "; the write may or may not have taken effect", e);
        }
        return classified;
    }

    @Override
    public ObjectInfo copy(ObjectInfo listed, StoreUri target) throws StoreException {
        StoreUri source = listed.uri();
        AzureLocation from = AzureLocation.of(source);
        AzureLocation to = AzureLocation.of(target);
        ObjectInfo sourceInfo = stat(source).orElseThrow(() -> notFound(source, "copy"));
        if (to.blobName().isEmpty()) {
            throw new StoreException(target, "cannot copy to " + target + ": it names a container, not an object", null);
        }
        BlobClient sourceBlob = blob(from);
        BlobClient targetBlob = blob(to);
        try {
            if (sourceInfo.size() <= config.syncCopyMaxBytes()) {
                BlobCopyFromUrlOptions options = new BlobCopyFromUrlOptions(authorizedSourceUrl(sourceBlob));
                sourceAuthorization().ifPresent(options::setSourceAuthorization);
                targetBlob.copyFromUrlWithResponse(options, null, Context.NONE);
            } else {
                copyAsynchronously(source, target, sourceBlob, targetBlob);
            }
        } catch (BlobStorageException e) {
            if (e.getStatusCode() == 404 && !isContainerNotFound(e)) {
                throw new StoreNotFoundException(source, "cannot copy " + source + ": no such object (" + detail(e) + ")", e);
            }
            throw classify(e, target, to, "copy " + source + " to");
        } catch (RuntimeException e) {
            throw classify(e, target, to, "copy " + source + " to");
        }
        return stat(target).orElseThrow(() -> new StoreException(target, "copied to " + target + " but it vanished at once", null));
    }

    /** Copy Blob (asynchronous in the service, no size limit), polled until it ends. */
    private void copyAsynchronously(StoreUri source, StoreUri target, BlobClient sourceBlob, BlobClient targetBlob) throws StoreException {
        // Within one account the copy is authorized by the request itself; a SAS client still needs the SAS on the source.
        String sourceUrl = credentials.source() == AzureCredentials.Source.DEFAULT_CHAIN ? sourceBlob.getBlobUrl() : authorizedSourceUrl(sourceBlob);
        SyncPoller<BlobCopyInfo, Void> poller = targetBlob.beginCopy(new BlobBeginCopyOptions(sourceUrl).setPollInterval(COPY_POLL_INTERVAL));
        PollResponse<BlobCopyInfo> done = poller.waitForCompletion(COPY_WAIT_LIMIT);
        BlobCopyInfo info = done.getValue();
        if (done.getStatus() != LongRunningOperationStatus.SUCCESSFULLY_COMPLETED || info == null
                || info.getCopyStatus() != CopyStatusType.SUCCESS) {
            throw new StoreException(target, "copy of " + source + " to " + target + " ended " + done.getStatus()
                    + (info == null ? "" : " with copy status " + info.getCopyStatus()), null);
        }
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
        AzureLocation location = AzureLocation.of(uri);
        if (location.blobName().isEmpty()) {
            return;
        }
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
                    source = new TokenSource(new DefaultAzureCredentialBuilder().httpClient(httpClient).build());
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

    /** The one place SDK failures become the store's vocabulary. Messages carry status and error code, never a URL with a SAS. */
    private StoreException classify(RuntimeException e, StoreUri uri, AzureLocation location, String action) {
        String prefix = "cannot " + action + " " + uri + ": ";
        if (e instanceof BlobStorageException b) {
            int status = b.getStatusCode();
            if (status == 403) {
                return new StoreAccessDeniedException(uri, prefix + "access denied (" + detail(b) + "); the credentials from "
                        + credentials.source() + " need the role Storage Blob Data Contributor on container '" + location.container()
                        + "' of account '" + location.account() + "', or a SAS with read, list, write and delete", e);
            }
            if (status == 404 && isContainerNotFound(b)) {
                return new ContainerNotFoundException(uri, prefix + "the container '" + location.container() + "' does not exist in account '"
                        + location.account() + "' (" + detail(b) + ")", e);
            }
            if (status == 404) {
                return new StoreNotFoundException(uri, prefix + "not found (" + detail(b) + ")", e);
            }
            if (status == 409 || status == 412) {
                return new ConditionFailedException(uri, prefix + "a condition failed (" + detail(b) + ")", e);
            }
            if (status == 429 || status >= 500) {
                return new StoreUnavailableException(uri, prefix + "the service is busy or failing (" + detail(b) + ") after the client's retries", e);
            }
            return new StoreException(uri, prefix + detail(b), e);
        }
        if (e instanceof ClientAuthenticationException) {
            return new StoreAccessDeniedException(uri, prefix + "no usable Azure credentials: set " + AzureCredentials.CONNECTION_STRING + ", "
                    + AzureCredentials.SAS_TOKEN + " or " + AzureCredentials.ACCOUNT_KEY
                    + ", or provide an identity for DefaultAzureCredential (workload or managed identity, az login)", e);
        }
        if (e instanceof InvalidStoreConfigurationException invalid) {
            throw invalid;
        }
        if (hasCause(e, IOException.class) || hasCause(e, TimeoutException.class) || e instanceof UncheckedIOException) {
            return new StoreUnavailableException(uri, prefix + "the service could not be reached after the client's retries ("
                    + rootMessage(e) + ")", e);
        }
        // Such as the SDK refusing a token over plain http: its own message says why.
        return new StoreException(uri, prefix + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()), e);
    }

    private static StoreNotFoundException notFound(StoreUri uri, String action) {
        return new StoreNotFoundException(uri, "cannot " + action + " " + uri + ": no such object", null);
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

    private static Optional<Long> totalSize(String contentRange) {
        // "bytes 0-9/1000"
        if (contentRange == null || contentRange.indexOf('/') < 0) {
            return Optional.empty();
        }
        String total = contentRange.substring(contentRange.indexOf('/') + 1).strip();
        try {
            return Optional.of(Long.parseLong(total));
        } catch (NumberFormatException unknownTotal) {
            return Optional.empty();
        }
    }

    private static Instant instant(OffsetDateTime time) {
        return time == null ? Instant.EPOCH : time.toInstant();
    }

    @Override
    public String toString() {
        return "AzureCheckpointStore[" + credentials.source() + config.endpoint().map(e -> ", " + e).orElse("") + "]";
    }
}
