package dev.laststate.s3;

import dev.laststate.store.Capability;
import dev.laststate.store.CheckpointStore;
import dev.laststate.store.Listing;
import dev.laststate.store.ObjectContent;
import dev.laststate.store.ObjectInfo;
import dev.laststate.store.StoreException;
import dev.laststate.store.StoreNotFoundException;
import dev.laststate.store.StoreUri;
import dev.laststate.store.UnsupportedStoreOperationException;
import dev.laststate.store.WriteCondition;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.AwsProfileRegionProvider;
import software.amazon.awssdk.regions.providers.AwsRegionProviderChain;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.regions.providers.SystemSettingsRegionProvider;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CopyObjectResponse;
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

/**
 * A checkpoint store on Amazon S3 or an S3-compatible store, for {@code s3://bucket/path} and
 * {@code s3a://bucket/path}.
 *
 * <p>Directories are key prefixes ending in {@code /}, listed one level at a time with a delimiter.
 * An object's version is its ETag, which changes whenever its bytes do. Conditional writes use S3's
 * own {@code If-None-Match: *} and {@code If-Match}; copies are server-side, in parts above the
 * configured threshold. Transient failures are retried by the SDK's standard retry strategy, once;
 * every SDK error is classified here, where it is thrown ({@link S3Errors}).
 */
final class S3CheckpointStore implements CheckpointStore {

    private static final int DELETE_BATCH = 1_000;
    private static final int MAX_PARTS = 10_000;

    private final S3StoreConfig config;
    private final S3Client s3;
    /** Buckets seen to exist, so a 404 from HEAD (which has no error code) is told apart from a missing bucket once. */
    private final Set<String> knownBuckets = ConcurrentHashMap.newKeySet();

    S3CheckpointStore(S3StoreConfig config, AwsCredentialsProvider credentials, List<ExecutionInterceptor> interceptors) {
        this.config = config;
        S3ClientBuilder builder = S3Client.builder()
                .credentialsProvider(credentials)
                // The pool must hold as many connections as requests may run at once, or copies queue for one.
                .httpClientBuilder(Apache5HttpClient.builder()
                        .maxConnections(config.maxConcurrency())
                        .connectionAcquisitionTimeout(Duration.ofMinutes(2)))
                .forcePathStyle(config.pathStyle())
                .overrideConfiguration(o -> interceptors.forEach(o::addExecutionInterceptor));
        config.endpoint().ifPresent(builder::endpointOverride);
        Optional<Region> region = config.region().map(Region::of).or(() -> discoverRegion(config));
        if (region.isPresent()) {
            builder.region(region.get());
        } else {
            // No region anywhere: sign for us-east-1 and let the SDK follow a bucket's redirect to its region.
            builder.region(Region.US_EAST_1).crossRegionAccessEnabled(true);
        }
        this.s3 = builder.build();
    }

    /**
     * The region from the SDK's chain. With an endpoint of its own (MinIO, Ceph, an emulator) the instance
     * metadata service is not asked: it is absent there and waiting for it would delay every start.
     */
    private static Optional<Region> discoverRegion(S3StoreConfig config) {
        try {
            if (config.endpoint().isPresent()) {
                return Optional.of(new AwsRegionProviderChain(new SystemSettingsRegionProvider(), new AwsProfileRegionProvider())
                        .getRegion());
            }
            return Optional.of(DefaultAwsRegionProviderChain.builder().build().getRegion());
        } catch (SdkException none) {
            return Optional.empty();
        }
    }

    @Override
    public Set<String> schemes() {
        return S3CheckpointStoreProvider.SCHEMES;
    }

    @Override
    public Set<Capability> capabilities() {
        return EnumSet.allOf(Capability.class);
    }

    @Override
    public Listing list(StoreUri directory) throws StoreException {
        String prefix = directory.path().isEmpty() ? "" : directory.path() + "/";
        ListObjectsV2Request request = ListObjectsV2Request.builder()
                .bucket(directory.authority()).prefix(prefix).delimiter("/").build();
        List<String> directories = new ArrayList<>();
        List<ObjectInfo> objects = new ArrayList<>();
        try {
            for (ListObjectsV2Response page : s3.listObjectsV2Paginator(request)) {
                for (CommonPrefix common : page.commonPrefixes()) {
                    String name = common.prefix().substring(prefix.length());
                    name = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
                    if (usable(name)) {
                        directories.add(name);
                    }
                }
                for (S3Object object : page.contents()) {
                    String name = object.key().substring(prefix.length());
                    // The key equal to the prefix is a "folder" marker some tools write, not an object of it.
                    if (usable(name)) {
                        objects.add(new ObjectInfo(directory.resolve(name), object.size(), object.lastModified(),
                                S3Errors.unquote(object.eTag())));
                    }
                }
            }
        } catch (SdkException e) {
            throw S3Errors.classify(e, directory, "list", false);
        }
        knownBuckets.add(directory.authority());
        // S3 lists in UTF-8 byte order; the SPI promises Java's String order (they differ beyond the BMP).
        directories.sort(Comparator.naturalOrder());
        objects.sort(Comparator.comparing(ObjectInfo::name));
        return new Listing(directory, directories, objects);
    }

    /**
     * Names a location can hold. Keys with {@code //}, {@code .} or {@code ..} segments or control
     * characters are not Flink's and no {@link StoreUri} can name them, so they are not listed.
     */
    private static boolean usable(String name) {
        return !name.isEmpty() && !name.equals(".") && !name.equals("..") && !name.contains("/")
                && name.chars().noneMatch(c -> c < 0x20 || c == 0x7f);
    }

    @Override
    public Optional<ObjectInfo> stat(StoreUri uri) throws StoreException {
        if (uri.path().isEmpty()) {
            return Optional.empty();
        }
        HeadObjectResponse head;
        try {
            head = s3.headObject(r -> r.bucket(uri.authority()).key(uri.path()));
        } catch (SdkException e) {
            if (S3Errors.status(e) == 404) {
                requireBucket(uri, e);
                return Optional.empty();
            }
            throw S3Errors.classify(e, uri, "stat", false);
        }
        knownBuckets.add(uri.authority());
        return Optional.of(new ObjectInfo(uri, head.contentLength(), head.lastModified(), S3Errors.unquote(head.eTag())));
    }

    /** A HEAD's 404 carries no error code: ask once whether the bucket itself exists. */
    private void requireBucket(StoreUri uri, SdkException notFound) throws StoreException {
        if (knownBuckets.contains(uri.authority())) {
            return;
        }
        try {
            s3.headBucket(r -> r.bucket(uri.authority()));
        } catch (SdkException e) {
            if (S3Errors.status(e) == 404) {
                throw S3Errors.bucketNotFound(uri, "stat", e);
            }
            throw S3Errors.classify(e, uri, "stat", false);
        }
        knownBuckets.add(uri.authority());
    }

    @Override
    public ObjectContent read(StoreUri uri, long maxBytes) throws StoreException {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("maxBytes must not be negative: " + maxBytes);
        }
        if (uri.path().isEmpty()) {
            throw new StoreNotFoundException(uri, "cannot read " + uri + ": a bucket is not an object", null);
        }
        long limit = Math.min(maxBytes, Integer.MAX_VALUE - 8);
        if (limit == 0) {
            ObjectInfo info = stat(uri).orElseThrow(() -> new StoreNotFoundException(uri, "cannot read " + uri + ": no such object", null));
            return new ObjectContent(info, new byte[0]);
        }
        GetObjectRequest.Builder request = GetObjectRequest.builder().bucket(uri.authority()).key(uri.path());
        // One GET returns the bytes with the ETag they belong to: no separate stat that could race a writer.
        ResponseBytes<GetObjectResponse> bytes;
        try {
            bytes = s3.getObject(request.range("bytes=0-" + (limit - 1)).build(), ResponseTransformer.toBytes());
        } catch (SdkException e) {
            if (S3Errors.status(e) != 416) {
                throw S3Errors.classify(e, uri, "read", false);
            }
            // A range of an empty object is unsatisfiable: read it whole.
            try {
                bytes = s3.getObject(request.range(null).build(), ResponseTransformer.toBytes());
            } catch (SdkException again) {
                throw S3Errors.classify(again, uri, "read", false);
            }
        }
        knownBuckets.add(uri.authority());
        GetObjectResponse response = bytes.response();
        byte[] content = bytes.asByteArray();
        long size = totalSize(response).orElse((long) content.length);
        return new ObjectContent(new ObjectInfo(uri, size, response.lastModified(), S3Errors.unquote(response.eTag())), content);
    }

    /** The object's whole size from {@code Content-Range: bytes 0-9/1234}, or empty for a whole-object answer. */
    private static Optional<Long> totalSize(GetObjectResponse response) {
        String range = response.contentRange();
        if (range == null || range.lastIndexOf('/') < 0) {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseLong(range.substring(range.lastIndexOf('/') + 1).strip()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    @Override
    public ObjectInfo write(StoreUri uri, byte[] bytes, WriteCondition condition) throws StoreException {
        if (uri.path().isEmpty()) {
            throw new UnsupportedStoreOperationException(uri, "cannot write " + uri + ": a bucket is not an object", null);
        }
        PutObjectRequest.Builder request = PutObjectRequest.builder()
                .bucket(uri.authority()).key(uri.path()).contentLength((long) bytes.length);
        switch (condition.kind()) {
            case OVERWRITE -> { }
            case IF_ABSENT -> request.ifNoneMatch("*");
            case IF_VERSION_MATCHES -> request.ifMatch(S3Errors.quote(condition.expectedVersion().orElseThrow()));
        }
        PutObjectResponse response;
        try {
            response = s3.putObject(request.build(), RequestBody.fromBytes(bytes));
        } catch (SdkException e) {
            throw S3Errors.classifyWrite(e, uri, condition);
        }
        knownBuckets.add(uri.authority());
        return new ObjectInfo(uri, bytes.length, serverTime(response.sdkHttpResponse()), S3Errors.unquote(response.eTag()));
    }

    /** When the server answered (its {@code Date}), the write time where the response carries no Last-Modified. */
    private static Instant serverTime(SdkHttpResponse response) {
        return response.firstMatchingHeader("Date").flatMap(date -> {
            try {
                return Optional.of(ZonedDateTime.parse(date, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
            } catch (DateTimeParseException e) {
                return Optional.empty();
            }
        }).orElseGet(Instant::now);
    }

    @Override
    public ObjectInfo copy(ObjectInfo listed, StoreUri target) throws StoreException {
        StoreUri source = listed.uri();
        if (target.path().isEmpty()) {
            throw new UnsupportedStoreOperationException(target, "cannot copy to " + target + ": a bucket is not an object", null);
        }
        ObjectInfo from = stat(source).orElseThrow(() -> new StoreNotFoundException(source, "cannot copy " + source
                + ": no such object", null));
        // The copy is pinned to the ETag just read, so the size reported belongs to the bytes copied.
        ObjectInfo copied = from.size() <= config.multipartCopyThreshold() ? copyWhole(from, target) : copyInParts(from, target);
        knownBuckets.add(target.authority());
        return copied;
    }

    private ObjectInfo copyWhole(ObjectInfo from, StoreUri target) throws StoreException {
        StoreUri source = from.uri();
        CopyObjectResponse response;
        try {
            response = s3.copyObject(r -> r.sourceBucket(source.authority()).sourceKey(source.path())
                    .destinationBucket(target.authority()).destinationKey(target.path())
                    .copySourceIfMatch(S3Errors.quote(from.version())));
        } catch (SdkException e) {
            throw S3Errors.classifyCopy(e, source, target);
        }
        return new ObjectInfo(target, from.size(), response.copyObjectResult().lastModified(),
                S3Errors.unquote(response.copyObjectResult().eTag()));
    }

    private ObjectInfo copyInParts(ObjectInfo from, StoreUri target) throws StoreException {
        StoreUri source = from.uri();
        long partSize = Math.max(config.multipartCopyThreshold(), (from.size() + MAX_PARTS - 1) / MAX_PARTS);
        String uploadId;
        try {
            uploadId = s3.createMultipartUpload(r -> r.bucket(target.authority()).key(target.path())).uploadId();
        } catch (SdkException e) {
            throw S3Errors.classifyCopy(e, source, target);
        }
        try {
            List<CompletedPart> parts = new ArrayList<>();
            for (long offset = 0; offset < from.size(); offset += partSize) {
                int number = parts.size() + 1;
                String range = "bytes=" + offset + "-" + (Math.min(offset + partSize, from.size()) - 1);
                UploadPartCopyResponse part = s3.uploadPartCopy(r -> r.sourceBucket(source.authority()).sourceKey(source.path())
                        .destinationBucket(target.authority()).destinationKey(target.path())
                        .uploadId(uploadId).partNumber(number).copySourceRange(range)
                        .copySourceIfMatch(S3Errors.quote(from.version())));
                parts.add(CompletedPart.builder().partNumber(number).eTag(part.copyPartResult().eTag()).build());
            }
            CompleteMultipartUploadResponse done = s3.completeMultipartUpload(r -> r.bucket(target.authority())
                    .key(target.path()).uploadId(uploadId).multipartUpload(u -> u.parts(parts)));
            return new ObjectInfo(target, from.size(), serverTime(done.sdkHttpResponse()), S3Errors.unquote(done.eTag()));
        } catch (SdkException e) {
            StoreException failure = S3Errors.classifyCopy(e, source, target);
            abort(target, uploadId, failure);
            throw failure;
        }
    }

    /** Parts of an unfinished upload are billed until aborted; a failed abort is noted on the failure. */
    private void abort(StoreUri target, String uploadId, StoreException failure) {
        try {
            s3.abortMultipartUpload(r -> r.bucket(target.authority()).key(target.path()).uploadId(uploadId));
        } catch (SdkException e) {
            failure.addSuppressed(e);
        }
    }

    @Override
    public void delete(StoreUri uri) throws StoreException {
        if (uri.path().isEmpty()) {
            return;
        }
        try {
            s3.deleteObject(r -> r.bucket(uri.authority()).key(uri.path()));
        } catch (SdkException e) {
            throw S3Errors.classify(e, uri, "delete", true);
        }
    }

    @Override
    public void deleteAll(Collection<StoreUri> uris) throws StoreException {
        Map<String, List<StoreUri>> byBucket = new LinkedHashMap<>();
        for (StoreUri uri : uris) {
            if (!uri.path().isEmpty()) {
                byBucket.computeIfAbsent(uri.authority(), b -> new ArrayList<>()).add(uri);
            }
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
        DeleteObjectsResponse response;
        try {
            response = s3.deleteObjects(r -> r.bucket(bucket).delete(Delete.builder().objects(keys).quiet(true).build()));
        } catch (SdkException e) {
            throw S3Errors.classify(e, batch.get(0), "delete", true);
        }
        for (S3Error error : response.errors()) {
            if (!"NoSuchKey".equals(error.code())) {
                StoreUri uri = byKey.getOrDefault(error.key(), batch.get(0));
                throw S3Errors.classifyBatchError(error.code(), error.message(), uri);
            }
        }
    }

    @Override
    public void close() {
        s3.close();
    }

    @Override
    public String toString() {
        return "S3CheckpointStore[" + config.endpoint().map(Object::toString).orElse("aws") + "]";
    }
}
