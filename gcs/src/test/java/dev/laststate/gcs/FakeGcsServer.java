package dev.laststate.gcs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;

/**
 * An in-process, in-memory stand-in for the part of Google Cloud Storage's JSON API that
 * {@link GcsCheckpointStore} uses through google-cloud-storage's HTTP transport, with GCS's documented
 * semantics, on 127.0.0.1 and a free port. No faithful emulator installs on the build machines, so the
 * TCK runs the real client against this server.
 *
 * <p>What it implements:
 * <ul>
 *   <li>buckets (created with {@link #createBucket}); any call on a missing bucket answers 404 "The
 *       specified bucket does not exist.", as GCS does;</li>
 *   <li>objects with a generation (a new one, increasing, for every write) and a metageneration (1: nothing
 *       here updates metadata), one live version each (no object versioning);</li>
 *   <li>{@code objects.list} with {@code prefix}, {@code delimiter} (names below it roll up into
 *       {@code prefixes}) and {@code maxResults}, in the order of the names' UTF-8 bytes, at most
 *       {@code listPageSize} entries (items and prefixes together) a page, continued by an opaque
 *       {@code pageToken} that only this listing accepts;</li>
 *   <li>{@code objects.get} for metadata and with {@code alt=media} (also under {@code /download}) for
 *       the bytes, with {@code Range: bytes=a-b} / {@code bytes=a-} (206 with {@code Content-Range}, 416
 *       past the end) and the {@code x-goog-*} headers the client reads; {@code objects.delete};</li>
 *   <li>the preconditions {@code ifGenerationMatch} ({@code 0}: only if absent), {@code ifGenerationNotMatch},
 *       {@code ifMetagenerationMatch}, {@code ifMetagenerationNotMatch} and, on rewrite, their
 *       {@code ifSource*} twins, failing with 412 {@code conditionNotMet} as GCS does; {@code generation}
 *       and {@code sourceGeneration} select a generation (404 when it is not the live one);</li>
 *   <li>{@code objects.rewrite}: an object larger than {@code rewriteBytesPerCall} (or the call's
 *       {@code maxBytesRewrittenPerCall}) is copied over several calls, each answering {@code done=false} and
 *       a {@code rewriteToken} until the last; the copy appears at the last call, where the destination's
 *       preconditions are checked; the source's preconditions are checked at every call;</li>
 *   <li>resumable uploads: a session ({@code uploadType=resumable}, its URL in {@code Location}), chunks
 *       with {@code Content-Range} answered 308 with {@code Range}, status queries ({@code bytes *}{@code /*}),
 *       a finalizing chunk; the object appears whole only at finalization, where the preconditions given at
 *       the start are checked. A finalized session answers every later request with the object, as GCS does,
 *       which is how the client recovers a lost answer.</li>
 * </ul>
 *
 * <p>What it lacks (answered 501 Not Implemented, so a client that starts to need it fails loudly):
 * multipart and simple uploads, batch requests, compose, metadata patches, bucket administration beyond
 * {@code buckets.insert} and {@code buckets.get}, object versioning, ACLs, customer-supplied keys and
 * authentication (every request is allowed).
 *
 * <p>Thread-safe: every read and every change of the objects happens under one lock, so a conditional
 * write is decided against the state that it then changes, one at a time: of racing writers with the
 * same precondition, exactly one wins.
 */
final class FakeGcsServer implements AutoCloseable {

    /** GCS's own page size is 1,000; a small one makes the TCK's listings span several pages. */
    static final int DEFAULT_LIST_PAGE_SIZE = 100;
    /** Objects above this take several rewrite calls (GCS's own threshold depends on location and class). */
    static final long DEFAULT_REWRITE_BYTES_PER_CALL = 4L * 1024 * 1024;

    static {
        // Without TCP_NODELAY the JDK's server sends an answer's headers and body in two segments, and the
        // client's delayed ACK holds the second back: measured 45 ms for every answer with a body, 1.7 ms with it.
        // Read once, when the first server starts; no other server in the gcs tests runs before this one.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String JSON_TYPE = "application/json; charset=UTF-8";
    private static final DateTimeFormatter RFC_3339 = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (?:(\\d+)-(\\d+)|\\*)/(\\d+|\\*)");
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d*)");
    private static final String PRECONDITION_FAILED = "At least one of the pre-conditions you specified did not hold.";

    /** One stored generation of an object; the bytes are never changed after it is made, so its hashes are kept. */
    private record StoredObject(String bucket, String name, long generation, long metageneration, byte[] bytes,
            String contentType, Instant created, String md5, String crc32c) {

        static StoredObject of(String bucket, String name, long generation, byte[] bytes, String contentType) {
            CRC32C crc = new CRC32C();
            crc.update(bytes);
            String crc32c = Base64.getEncoder().encodeToString(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
            try {
                String md5 = Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(bytes));
                return new StoredObject(bucket, name, generation, 1, bytes, contentType, Instant.now(), md5, crc32c);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every Java platform has MD5", e);
            }
        }

        String etag() {
            return Base64.getEncoder().withoutPadding().encodeToString(
                    ("g" + generation + "m" + metageneration).getBytes(StandardCharsets.US_ASCII));
        }
    }

    /** A resumable upload session: what the start request said, and the bytes received so far. */
    private static final class Upload {
        final String bucket;
        final String name;
        final String contentType;
        final Map<String, String> preconditions;
        final ByteArrayOutputStream received = new ByteArrayOutputStream();
        /** The object it made, once finalized; or the 412 its finalization failed with. */
        Optional<StoredObject> result = Optional.empty();
        boolean failed;

        Upload(String bucket, String name, String contentType, Map<String, String> preconditions) {
            this.bucket = bucket;
            this.name = name;
            this.contentType = contentType;
            this.preconditions = preconditions;
        }
    }

    /** A rewrite in progress: the source generation it copies (kept, as GCS does), and how far it got. */
    private record Rewrite(String sourceBucket, String sourceName, StoredObject source, String targetBucket,
            String targetName, long copied) {}

    /** A failure answered with GCS's JSON error body. */
    private static final class ApiError extends Exception {
        final int code;
        final String reason;

        ApiError(int code, String reason, String message) {
            super(message, null, false, false);
            this.code = code;
            this.reason = reason;
        }
    }

    private final HttpServer http;
    private final ExecutorService executor;
    private final String endpoint;
    private final int listPageSize;
    private final long rewriteBytesPerCall;

    private final Object lock = new Object();
    /** Bucket name to its objects by name, in GCS's order (UTF-8 bytes, which is code point order). Guarded by lock. */
    private final Map<String, NavigableMap<String, StoredObject>> buckets = new HashMap<>();
    /** Guarded by lock. */
    private final Map<String, Upload> uploads = new HashMap<>();
    /** Guarded by lock. */
    private final Map<String, Rewrite> rewrites = new HashMap<>();
    /** Guarded by lock. */
    private long lastGeneration;

    private final Map<String, AtomicLong> requests = new ConcurrentHashMap<>();
    /** The object whose next successful finalization loses its answer, and whether its session's later answers are lost too. */
    private final AtomicReference<Optional<LostAnswers>> lostAnswers = new AtomicReference<>(Optional.empty());
    /** Sessions whose every answer is lost (the network to the client is gone). Guarded by lock. */
    private final Set<String> silentSessions = new HashSet<>();

    private record LostAnswers(String objectName, boolean everyLaterAnswerToo) {}

    private FakeGcsServer(int listPageSize, long rewriteBytesPerCall) throws IOException {
        this.listPageSize = listPageSize;
        this.rewriteBytesPerCall = rewriteBytesPerCall;
        this.http = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        this.executor = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "fake-gcs");
            thread.setDaemon(true);
            return thread;
        });
        http.setExecutor(executor);
        http.createContext("/", this::handle);
        this.endpoint = "http://127.0.0.1:" + http.getAddress().getPort();
    }

    /** Starts a server with {@link #DEFAULT_LIST_PAGE_SIZE} and {@link #DEFAULT_REWRITE_BYTES_PER_CALL}. */
    static FakeGcsServer start() throws IOException {
        return start(DEFAULT_LIST_PAGE_SIZE, DEFAULT_REWRITE_BYTES_PER_CALL);
    }

    /**
     * Starts a server on 127.0.0.1 and a free port.
     *
     * @param listPageSize the most entries (objects and prefixes) one page of a listing holds
     * @param rewriteBytesPerCall the most bytes one rewrite call copies; larger objects take several calls
     */
    static FakeGcsServer start(int listPageSize, long rewriteBytesPerCall) throws IOException {
        if (listPageSize < 1 || rewriteBytesPerCall < 1) {
            throw new IllegalArgumentException("page size and rewrite bytes per call must be positive");
        }
        FakeGcsServer server = new FakeGcsServer(listPageSize, rewriteBytesPerCall);
        server.http.start();
        return server;
    }

    /** The JSON API's base URL, as in {@code http://127.0.0.1:4443}: a value for {@code STORAGE_EMULATOR_HOST}. */
    String endpoint() {
        return endpoint;
    }

    /** Creates an empty bucket; nothing happens when it exists. */
    void createBucket(String name) {
        synchronized (lock) {
            buckets.computeIfAbsent(name, n -> new TreeMap<>(FakeGcsServer::compareCodePoints));
        }
    }

    /** Stores an object directly, behind the client's back (as another tool would have written it). */
    void put(String bucketName, String name, byte[] bytes) {
        synchronized (lock) {
            try {
                store(bucketName, name, bytes.clone(), "application/octet-stream");
            } catch (ApiError e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        }
    }

    /**
     * The next finalization of an upload of {@code objectName} that succeeds is applied, and then its answer is
     * lost: the connection closes without a response, as when a network drops it on the way back. The session
     * answers later requests (the client's status query) as GCS does, with the object it made.
     */
    void loseTheAnswerToTheNextFinalizationOf(String objectName) {
        lostAnswers.set(Optional.of(new LostAnswers(objectName, false)));
    }

    /**
     * Like {@link #loseTheAnswerToTheNextFinalizationOf}, and every later answer to that session is lost too: the
     * upload is applied, and the client never learns it, whatever it retries.
     */
    void loseEveryAnswerFromTheNextFinalizationOf(String objectName) {
        lostAnswers.set(Optional.of(new LostAnswers(objectName, true)));
    }

    /**
     * How many requests of a kind arrived: {@code list}, {@code get}, {@code download}, {@code delete},
     * {@code rewrite}, {@code upload.start}, {@code upload.chunk}, {@code upload.query}, {@code upload.finalize}, and
     * {@code upload.lost} for answers lost on purpose.
     */
    long requestCount(String kind) {
        AtomicLong count = requests.get(kind);
        return count == null ? 0 : count.get();
    }

    @Override
    public void close() {
        http.stop(0);
        executor.shutdownNow();
    }

    // ---------------------------------------------------------------- routing

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            List<String> path = segments(exchange.getRequestURI().getRawPath());
            Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
            String method = exchange.getRequestMethod();
            try {
                route(exchange, method, path, query, body);
            } catch (ApiError e) {
                sendError(exchange, e);
            } catch (RuntimeException e) {
                sendError(exchange, new ApiError(500, "backendError", "FakeGcsServer failed: " + e));
            }
        }
    }

    private void route(HttpExchange exchange, String method, List<String> path, Map<String, String> query, byte[] body)
            throws IOException, ApiError {
        boolean download = false;
        if (!path.isEmpty() && path.get(0).equals("download")) {
            path = path.subList(1, path.size());
            download = true;
        }
        boolean upload = !path.isEmpty() && path.get(0).equals("upload");
        if (upload) {
            path = path.subList(1, path.size());
        }
        if (path.size() < 3 || !path.get(0).equals("storage") || !path.get(1).equals("v1") || !path.get(2).equals("b")) {
            throw notImplemented(method + " " + String.join("/", path));
        }
        List<String> rest = path.subList(3, path.size());
        if (upload) {
            if (rest.size() == 2 && rest.get(1).equals("o") && method.equals("POST")
                    && "resumable".equals(query.get("uploadType"))) {
                startUpload(exchange, rest.get(0), query, body);
                return;
            }
            if (rest.size() == 2 && rest.get(1).equals("o") && method.equals("PUT") && query.containsKey("upload_id")) {
                putToUpload(exchange, query.get("upload_id"), body);
                return;
            }
            throw notImplemented(method + " upload " + String.join("/", rest) + " uploadType=" + query.get("uploadType"));
        }
        if (rest.isEmpty() && method.equals("POST")) {
            JsonNode bucket = JSON.readTree(body);
            createBucket(bucket.path("name").asText());
            sendJson(exchange, 200, bucketJson(bucket.path("name").asText()));
            return;
        }
        if (rest.size() == 1 && method.equals("GET")) {
            synchronized (lock) {
                bucket(rest.get(0));
            }
            sendJson(exchange, 200, bucketJson(rest.get(0)));
            return;
        }
        if (rest.size() == 2 && rest.get(1).equals("o") && method.equals("GET")) {
            list(exchange, rest.get(0), query);
            return;
        }
        if (rest.size() == 3 && rest.get(1).equals("o")) {
            switch (method) {
                case "GET" -> {
                    if (download || "media".equals(query.get("alt"))) {
                        download(exchange, rest.get(0), rest.get(2), query);
                    } else {
                        get(exchange, rest.get(0), rest.get(2), query);
                    }
                    return;
                }
                case "DELETE" -> {
                    delete(exchange, rest.get(0), rest.get(2), query);
                    return;
                }
                default -> throw notImplemented(method + " of an object");
            }
        }
        if (rest.size() == 8 && rest.get(1).equals("o") && rest.get(3).equals("rewriteTo") && rest.get(4).equals("b")
                && rest.get(6).equals("o") && method.equals("POST")) {
            rewrite(exchange, rest.get(0), rest.get(2), rest.get(5), rest.get(7), query, body);
            return;
        }
        throw notImplemented(method + " " + String.join("/", path));
    }

    // ---------------------------------------------------------------- objects.list

    private void list(HttpExchange exchange, String bucketName, Map<String, String> query) throws IOException, ApiError {
        count("list");
        String prefix = query.getOrDefault("prefix", "");
        String delimiter = query.getOrDefault("delimiter", "");
        int pageSize = listPageSize;
        if (query.containsKey("maxResults")) {
            pageSize = (int) Math.min(pageSize, Math.max(1, number(query, "maxResults")));
        }
        // A token names the last entry of its page (and whether it was a prefix), for this prefix and delimiter only.
        Optional<PageToken> after = query.containsKey("pageToken")
                ? Optional.of(PageToken.parse(query.get("pageToken"), prefix, delimiter)) : Optional.empty();
        List<StoredObject> items = new ArrayList<>();
        List<String> prefixes = new ArrayList<>();
        Optional<PageToken> next = Optional.empty();
        synchronized (lock) {
            NavigableMap<String, StoredObject> objects = bucket(bucketName);
            Optional<PageToken> last = after;
            // The names holding the prefix are one run in name order, starting at the prefix itself.
            for (StoredObject object : (after.isPresent() ? objects.tailMap(after.get().entry(), false)
                    : objects.tailMap(prefix, true)).values()) {
                String name = object.name();
                if (!name.startsWith(prefix)) {
                    break;
                }
                if (last.filter(l -> l.rolledUp() && name.startsWith(l.entry())).isPresent()) {
                    // Rolled up into the prefix given last, on this page or before.
                    continue;
                }
                int at = delimiter.isEmpty() ? -1 : name.indexOf(delimiter, prefix.length());
                if (items.size() + prefixes.size() == pageSize) {
                    next = last;
                    break;
                }
                if (at >= 0) {
                    String rolledUp = name.substring(0, at + delimiter.length());
                    prefixes.add(rolledUp);
                    last = Optional.of(new PageToken(rolledUp, true));
                } else {
                    items.add(object);
                    last = Optional.of(new PageToken(name, false));
                }
            }
        }
        ObjectNode page = JSON.createObjectNode().put("kind", "storage#objects");
        next.ifPresent(token -> page.put("nextPageToken", token.encode(prefix, delimiter)));
        if (!prefixes.isEmpty()) {
            ArrayNode array = page.putArray("prefixes");
            prefixes.forEach(array::add);
        }
        if (!items.isEmpty()) {
            ArrayNode array = page.putArray("items");
            items.forEach(item -> array.add(objectJson(item)));
        }
        sendJson(exchange, 200, page);
    }

    /** Where a listing continues: after {@code entry}, and past every name below it when it was a prefix. */
    private record PageToken(String entry, boolean rolledUp) {

        String encode(String prefix, String delimiter) {
            String plain = String.join("\u0000", "v1", prefix, delimiter, rolledUp ? "p" : "o", entry);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
        }

        /** The token's position; a token this server did not make for this prefix and delimiter is 400, as on GCS. */
        static PageToken parse(String token, String prefix, String delimiter) throws ApiError {
            try {
                String[] parts = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split("\u0000", -1);
                if (parts.length == 5 && parts[0].equals("v1") && parts[1].equals(prefix) && parts[2].equals(delimiter)) {
                    return new PageToken(parts[4], parts[3].equals("p"));
                }
            } catch (IllegalArgumentException e) {
                // not base64: answered below
            }
            throw new ApiError(400, "invalid", "Invalid page token.");
        }
    }

    // ---------------------------------------------------------------- objects.get, download, delete

    private void get(HttpExchange exchange, String bucketName, String name, Map<String, String> query)
            throws IOException, ApiError {
        count("get");
        sendJson(exchange, 200, objectJson(addressed(bucketName, name, query)));
    }

    private void download(HttpExchange exchange, String bucketName, String name, Map<String, String> query)
            throws IOException, ApiError {
        count("download");
        StoredObject object = addressed(bucketName, name, query);
        long size = object.bytes().length;
        long start = 0;
        long end = size - 1;
        int status = 200;
        String range = exchange.getRequestHeaders().getFirst("Range");
        if (range != null) {
            Matcher matcher = RANGE.matcher(range.strip());
            if (!matcher.matches()) {
                throw new ApiError(400, "invalid", "Invalid Range header: " + range);
            }
            start = Long.parseLong(matcher.group(1));
            if (!matcher.group(2).isEmpty()) {
                end = Math.min(end, Long.parseLong(matcher.group(2)));
            }
            if (start >= size) {
                exchange.getResponseHeaders().set("Content-Range", "bytes */" + size);
                throw new ApiError(416, "requestedRangeNotSatisfiable", "The requested range cannot be satisfied.");
            }
            status = 206;
            exchange.getResponseHeaders().set("Content-Range", "bytes " + start + "-" + end + "/" + size);
        }
        var headers = exchange.getResponseHeaders();
        headers.set("Content-Type", object.contentType());
        headers.set("ETag", object.etag());
        headers.set("x-goog-generation", Long.toString(object.generation()));
        headers.set("x-goog-metageneration", Long.toString(object.metageneration()));
        headers.set("x-goog-stored-content-length", Long.toString(size));
        headers.set("x-goog-stored-content-encoding", "identity");
        headers.set("x-goog-storage-class", "STANDARD");
        headers.set("x-goog-hash", "crc32c=" + object.crc32c() + ",md5=" + object.md5());
        int length = (int) (size == 0 ? 0 : end - start + 1);
        exchange.sendResponseHeaders(status, length == 0 ? -1 : length);
        if (length > 0) {
            exchange.getResponseBody().write(object.bytes(), (int) start, length);
        }
    }

    private void delete(HttpExchange exchange, String bucketName, String name, Map<String, String> query)
            throws IOException, ApiError {
        count("delete");
        synchronized (lock) {
            addressed(bucketName, name, query); // under the same lock as the removal
            bucket(bucketName).remove(name);
        }
        exchange.sendResponseHeaders(204, -1);
    }

    /** The live object a request addresses (the generation it names, if any), once the request's preconditions hold. */
    private StoredObject addressed(String bucketName, String name, Map<String, String> query) throws ApiError {
        synchronized (lock) {
            StoredObject object = live(bucketName, name, query.get("generation"));
            checkPreconditions(Optional.of(object), query, "");
            return object;
        }
    }

    // ---------------------------------------------------------------- objects.rewrite

    private void rewrite(HttpExchange exchange, String sourceBucket, String sourceName, String targetBucket,
            String targetName, Map<String, String> query, byte[] body) throws IOException, ApiError {
        count("rewrite");
        long perCall = rewriteBytesPerCall;
        if (query.containsKey("maxBytesRewrittenPerCall")) {
            long asked = number(query, "maxBytesRewrittenPerCall");
            if (asked <= 0 || asked % (1024 * 1024) != 0) {
                throw new ApiError(400, "invalid", "maxBytesRewrittenPerCall must be a positive multiple of 1048576");
            }
            perCall = Math.min(perCall, asked);
        }
        JsonNode metadata = body.length == 0 ? JSON.createObjectNode() : JSON.readTree(body);
        ObjectNode answer = JSON.createObjectNode().put("kind", "storage#rewriteResponse");
        synchronized (lock) {
            bucket(targetBucket);
            Rewrite rewrite;
            Optional<String> token = Optional.ofNullable(query.get("rewriteToken"));
            if (token.isPresent()) {
                rewrite = rewrites.get(token.get());
                if (rewrite == null || !rewrite.sourceBucket().equals(sourceBucket) || !rewrite.sourceName().equals(sourceName)
                        || !rewrite.targetBucket().equals(targetBucket) || !rewrite.targetName().equals(targetName)) {
                    throw new ApiError(400, "invalid", "Invalid rewrite token.");
                }
                // The source generation being copied must still be live (this server keeps no old generations).
                StoredObject current = live(sourceBucket, sourceName, Long.toString(rewrite.source().generation()));
                checkPreconditions(Optional.of(current), query, "Source");
                rewrites.remove(token.get());
            } else {
                StoredObject source = live(sourceBucket, sourceName, query.get("sourceGeneration"));
                checkPreconditions(Optional.of(source), query, "Source");
                rewrite = new Rewrite(sourceBucket, sourceName, source, targetBucket, targetName, 0);
            }
            long size = rewrite.source().bytes().length;
            long copied = Math.min(size, rewrite.copied() + perCall);
            answer.put("totalBytesRewritten", Long.toString(copied)).put("objectSize", Long.toString(size));
            if (copied < size) {
                String next = UUID.randomUUID().toString();
                rewrites.put(next, new Rewrite(sourceBucket, sourceName, rewrite.source(), targetBucket, targetName, copied));
                answer.put("done", false).put("rewriteToken", next);
            } else {
                // The copy appears now, if the destination's preconditions hold now.
                NavigableMap<String, StoredObject> target = bucket(targetBucket);
                checkPreconditions(Optional.ofNullable(target.get(targetName)), query, "");
                String contentType = metadata.path("contentType").asText(rewrite.source().contentType());
                StoredObject copy = store(targetBucket, targetName, rewrite.source().bytes(), contentType);
                answer.put("done", true).set("resource", objectJson(copy));
            }
        }
        sendJson(exchange, 200, answer);
    }

    // ---------------------------------------------------------------- resumable uploads

    private void startUpload(HttpExchange exchange, String bucketName, Map<String, String> query, byte[] body)
            throws IOException, ApiError {
        count("upload.start");
        JsonNode metadata = body.length == 0 ? JSON.createObjectNode() : JSON.readTree(body);
        String name = Optional.ofNullable(query.get("name")).orElse(metadata.path("name").asText(""));
        if (name.isEmpty()) {
            throw new ApiError(400, "required", "Required: object name");
        }
        String contentType = metadata.path("contentType").asText(
                Optional.ofNullable(exchange.getRequestHeaders().getFirst("X-Upload-Content-Type")).orElse("application/octet-stream"));
        Map<String, String> preconditions = new HashMap<>();
        for (String key : List.of("ifGenerationMatch", "ifGenerationNotMatch", "ifMetagenerationMatch", "ifMetagenerationNotMatch")) {
            if (query.containsKey(key)) {
                number(query, key);
                preconditions.put(key, query.get(key));
            }
        }
        String id = UUID.randomUUID().toString().replace("-", "");
        synchronized (lock) {
            bucket(bucketName);
            uploads.put(id, new Upload(bucketName, name, contentType, Map.copyOf(preconditions)));
        }
        // The session URI on the host the client addressed (GCS answers with its own), so a proxy in between sees the chunks too.
        String host = Optional.ofNullable(exchange.getRequestHeaders().getFirst("Host")).map(h -> "http://" + h).orElse(endpoint);
        exchange.getResponseHeaders().set("Location", host + "/upload/storage/v1/b/" + encodeSegment(bucketName)
                + "/o?uploadType=resumable&upload_id=" + id);
        exchange.sendResponseHeaders(200, -1);
    }

    private void putToUpload(HttpExchange exchange, String id, byte[] body) throws IOException, ApiError {
        synchronized (lock) {
            if (silentSessions.contains(id)) {
                count("upload.lost");
                // The answer is lost on its way back: closing the exchange unanswered closes the connection.
                return;
            }
        }
        String contentRange = Optional.ofNullable(exchange.getRequestHeaders().getFirst("Content-Range")).orElse("bytes */*");
        Matcher range = CONTENT_RANGE.matcher(contentRange.strip());
        if (!range.matches()) {
            throw new ApiError(400, "invalid", "Invalid Content-Range: " + contentRange);
        }
        boolean hasBytes = range.group(1) != null;
        Optional<Long> total = range.group(3).equals("*") ? Optional.empty() : Optional.of(Long.parseLong(range.group(3)));
        count(!hasBytes && total.isEmpty() ? "upload.query" : total.isPresent() ? "upload.finalize" : "upload.chunk");
        StoredObject finalized;
        synchronized (lock) {
            Upload upload = uploads.get(id);
            if (upload == null) {
                throw new ApiError(404, "notFound", "No such upload session.");
            }
            if (upload.result.isPresent()) {
                // A finalized session answers with its object, whatever is sent again.
                sendJson(exchange, 200, objectJson(upload.result.get()));
                return;
            }
            if (upload.failed) {
                throw new ApiError(412, "conditionNotMet", PRECONDITION_FAILED);
            }
            long persisted = upload.received.size();
            if (hasBytes) {
                long first = Long.parseLong(range.group(1));
                long last = Long.parseLong(range.group(2));
                if (last < first || last - first + 1 != body.length) {
                    throw new ApiError(400, "invalid", "The Content-Range does not match the length of the body.");
                }
                if (first > persisted) {
                    throw new ApiError(400, "invalid", "Invalid request. According to the Content-Range header, the upload "
                            + "offset is " + first + " byte(s), which exceeds already uploaded size of " + persisted + " byte(s).");
                }
                // Bytes already persisted (a retried chunk) are skipped.
                int skip = (int) (persisted - first);
                if (skip < body.length) {
                    upload.received.write(body, skip, body.length - skip);
                }
            } else if (body.length > 0) {
                throw new ApiError(400, "invalid", "A Content-Range without bytes must come without a body.");
            }
            if (total.isEmpty()) {
                long now = upload.received.size();
                if (now > 0) {
                    exchange.getResponseHeaders().set("Range", "bytes=0-" + (now - 1));
                }
                exchange.sendResponseHeaders(308, -1);
                return;
            }
            if (upload.received.size() != total.get()) {
                throw new ApiError(400, "invalid", "The upload's size " + upload.received.size()
                        + " differs from the total " + total.get() + " its Content-Range declares.");
            }
            NavigableMap<String, StoredObject> objects = bucket(upload.bucket);
            try {
                checkPreconditions(Optional.ofNullable(objects.get(upload.name)), upload.preconditions, "");
            } catch (ApiError e) {
                upload.failed = true;
                throw e;
            }
            finalized = store(upload.bucket, upload.name, upload.received.toByteArray(), upload.contentType);
            upload.result = Optional.of(finalized);
        }
        Optional<LostAnswers> lost = lostAnswers.getAndUpdate(l -> l.filter(a -> !a.objectName().equals(finalized.name())));
        if (lost.filter(a -> a.objectName().equals(finalized.name())).isPresent()) {
            if (lost.get().everyLaterAnswerToo()) {
                synchronized (lock) {
                    silentSessions.add(id);
                }
            }
            count("upload.lost");
            // Applied, and the answer is lost: closing an exchange before its response headers were sent
            // closes the connection, so the client sees the connection end without an answer.
            return;
        }
        sendJson(exchange, 200, objectJson(finalized));
    }

    // ---------------------------------------------------------------- state (callers hold the lock)

    private NavigableMap<String, StoredObject> bucket(String name) throws ApiError {
        NavigableMap<String, StoredObject> objects = buckets.get(name);
        if (objects == null) {
            throw new ApiError(404, "notFound", "The specified bucket does not exist.");
        }
        return objects;
    }

    /** The live object, or 404; with a generation, only if that generation is the live one. */
    private StoredObject live(String bucketName, String name, String generation) throws ApiError {
        StoredObject object = bucket(bucketName).get(name);
        if (object == null || (generation != null && object.generation() != parseNumber("generation", generation))) {
            throw new ApiError(404, "notFound", "No such object: " + bucketName + "/" + name);
        }
        return object;
    }

    private StoredObject store(String bucketName, String name, byte[] bytes, String contentType) throws ApiError {
        // Generations are microseconds since the epoch on GCS, and only grow.
        long now = ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
        lastGeneration = Math.max(lastGeneration + 1, now);
        StoredObject object = StoredObject.of(bucketName, name, lastGeneration, bytes, contentType);
        bucket(bucketName).put(name, object);
        return object;
    }

    /**
     * GCS's preconditions against {@code current} ({@code prefix} "" for the object written or read, "Source"
     * for a rewrite's source): a failed one is 412 conditionNotMet.
     */
    private static void checkPreconditions(Optional<StoredObject> current, Map<String, String> parameters, String prefix)
            throws ApiError {
        String match = parameters.get("if" + prefix + "GenerationMatch");
        if (match != null) {
            long generation = parseNumber("if" + prefix + "GenerationMatch", match);
            boolean holds = generation == 0 ? current.isEmpty() : current.filter(o -> o.generation() == generation).isPresent();
            require(holds);
        }
        String notMatch = parameters.get("if" + prefix + "GenerationNotMatch");
        if (notMatch != null) {
            long generation = parseNumber("if" + prefix + "GenerationNotMatch", notMatch);
            // 0: only if a live version exists.
            require(current.isPresent() && current.get().generation() != generation);
        }
        String metaMatch = parameters.get("if" + prefix + "MetagenerationMatch");
        if (metaMatch != null) {
            long metageneration = parseNumber("if" + prefix + "MetagenerationMatch", metaMatch);
            require(current.filter(o -> o.metageneration() == metageneration).isPresent());
        }
        String metaNotMatch = parameters.get("if" + prefix + "MetagenerationNotMatch");
        if (metaNotMatch != null) {
            long metageneration = parseNumber("if" + prefix + "MetagenerationNotMatch", metaNotMatch);
            require(current.filter(o -> o.metageneration() != metageneration).isPresent());
        }
    }

    private static void require(boolean holds) throws ApiError {
        if (!holds) {
            throw new ApiError(412, "conditionNotMet", PRECONDITION_FAILED);
        }
    }

    // ---------------------------------------------------------------- wire format

    private ObjectNode objectJson(StoredObject object) {
        String encodedName = encodeSegment(object.name());
        String self = endpoint + "/storage/v1/b/" + encodeSegment(object.bucket()) + "/o/" + encodedName;
        String time = RFC_3339.format(object.created());
        return JSON.createObjectNode()
                .put("kind", "storage#object")
                .put("id", object.bucket() + "/" + object.name() + "/" + object.generation())
                .put("selfLink", self)
                .put("mediaLink", endpoint + "/download/storage/v1/b/" + encodeSegment(object.bucket()) + "/o/" + encodedName
                        + "?generation=" + object.generation() + "&alt=media")
                .put("name", object.name())
                .put("bucket", object.bucket())
                .put("generation", Long.toString(object.generation()))
                .put("metageneration", Long.toString(object.metageneration()))
                .put("contentType", object.contentType())
                .put("storageClass", "STANDARD")
                .put("size", Integer.toString(object.bytes().length))
                .put("md5Hash", object.md5())
                .put("crc32c", object.crc32c())
                .put("etag", object.etag())
                .put("timeCreated", time)
                .put("updated", time)
                .put("timeStorageClassUpdated", time);
    }

    private ObjectNode bucketJson(String name) {
        return JSON.createObjectNode().put("kind", "storage#bucket").put("id", name).put("name", name)
                .put("selfLink", endpoint + "/storage/v1/b/" + encodeSegment(name)).put("location", "US")
                .put("storageClass", "STANDARD").put("metageneration", "1");
    }

    private static void sendJson(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", JSON_TYPE);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static void sendError(HttpExchange exchange, ApiError error) throws IOException {
        ObjectNode detail = JSON.createObjectNode().put("message", error.getMessage()).put("domain", "global")
                .put("reason", error.reason);
        if (error.code == 412) {
            detail.put("locationType", "header").put("location", "If-Match");
        }
        ObjectNode body = JSON.createObjectNode();
        ObjectNode inner = body.putObject("error").put("code", error.code).put("message", error.getMessage());
        inner.putArray("errors").add(detail);
        sendJson(exchange, error.code, body);
    }

    private static ApiError notImplemented(String what) {
        return new ApiError(501, "notImplemented", "FakeGcsServer does not implement " + what);
    }

    private void count(String kind) {
        requests.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
    }

    private static long number(Map<String, String> query, String key) throws ApiError {
        return parseNumber(key, query.get(key));
    }

    private static long parseNumber(String key, String value) throws ApiError {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new ApiError(400, "invalid", "Invalid value for " + key + ": " + value);
        }
    }

    /** The path's segments, each percent-decoded on its own (an object name's {@code /} arrives as {@code %2F}). */
    private static List<String> segments(String rawPath) {
        List<String> segments = new ArrayList<>();
        for (String raw : rawPath.split("/")) {
            if (!raw.isEmpty()) {
                segments.add(percentDecode(raw, false));
            }
        }
        return segments;
    }

    private static Map<String, String> query(String rawQuery) {
        Map<String, String> query = new HashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return query;
        }
        for (String pair : rawQuery.split("&")) {
            int equals = pair.indexOf('=');
            String key = percentDecode(equals < 0 ? pair : pair.substring(0, equals), true);
            String value = equals < 0 ? "" : percentDecode(pair.substring(equals + 1), true);
            query.put(key, value);
        }
        return query;
    }

    /** RFC 3986 percent-decoding as UTF-8; in a query, {@code +} is a space, as Google's front ends read it. */
    private static String percentDecode(String text, boolean plusIsSpace) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int i = 0;
        while (i < text.length()) {
            int c = text.codePointAt(i);
            if (c == '%' && i + 2 < text.length()) {
                bytes.write(Integer.parseInt(text.substring(i + 1, i + 3), 16));
                i += 3;
                continue;
            }
            byte[] encoded = (c == '+' && plusIsSpace ? " " : Character.toString(c)).getBytes(StandardCharsets.UTF_8);
            bytes.write(encoded, 0, encoded.length);
            i += Character.charCount(c);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static String encodeSegment(String text) {
        StringBuilder encoded = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~".indexOf(c) >= 0) {
                encoded.append((char) c);
            } else {
                encoded.append('%').append(String.format("%02X", c));
            }
        }
        return encoded.toString();
    }

    /** GCS orders names by their UTF-8 bytes, which is the order of their code points. */
    static int compareCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Boolean.compare(i < a.length(), j < b.length());
    }

    /** For tests that look inside: the names in a bucket, in GCS's order. */
    List<String> names(String bucketName) {
        synchronized (lock) {
            NavigableMap<String, StoredObject> objects = buckets.get(bucketName);
            return objects == null ? List.of() : List.copyOf(objects.keySet());
        }
    }

    /** The live generation of an object, for tests that check how many writes happened. */
    Optional<Long> generation(String bucketName, String name) {
        synchronized (lock) {
            NavigableMap<String, StoredObject> objects = buckets.get(bucketName);
            return Optional.ofNullable(objects).map(o -> o.get(name)).map(StoredObject::generation);
        }
    }

    @Override
    public String toString() {
        return "FakeGcsServer[" + endpoint + "]";
    }
}
