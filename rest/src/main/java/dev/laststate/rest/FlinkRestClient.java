package dev.laststate.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.laststate.flink.FlinkLayout;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * The few answers of Flink's REST API that laststate needs ({@code /jobs/overview},
 * {@code /jobs/<id>/checkpoints}, the savepoint and stop-with-savepoint triggers and their status), read
 * the same way from Flink 1.20 and 2.x. Failures are {@link JobManagerException}s with one-line messages;
 * credentials never appear in them.
 */
public final class FlinkRestClient implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final MediaType JSON_TYPE = MediaType.get("application/json");

    /** One job of {@code /jobs/overview}. */
    public record JobOverview(String jobId, String name, String state, Instant startTime) {
        public boolean running() {
            return state.equals("RUNNING");
        }

        /** {@code <id> (<name>, <state>)} for messages. */
        public String describe() {
            return jobId + " ('" + name + "', " + state + ")";
        }
    }

    /** One of {@code latest.completed}, {@code latest.savepoint}, {@code latest.restored}. */
    public record SnapshotStats(long id, Optional<String> externalPath) {}

    /** What {@code /jobs/<id>/checkpoints} says about the newest snapshots; each part may be missing. */
    public record CheckpointStats(Optional<SnapshotStats> completed, Optional<SnapshotStats> savepoint,
                                  Optional<SnapshotStats> restored) {}

    /** The state of a savepoint (or stop-with-savepoint) operation. */
    public record SavepointStatus(boolean done, Optional<String> location, Optional<String> failure) {}

    private final JobManagerConnection connection;
    private final HttpUrl base;
    private final OkHttpClient http;

    /** @throws IllegalArgumentException when the CA file cannot be read or holds no certificate */
    public FlinkRestClient(JobManagerConnection connection) {
        this.connection = connection;
        this.base = HttpUrl.get(connection.url());
        OkHttpClient.Builder builder = new OkHttpClient.Builder()
                .connectTimeout(connection.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(connection.readTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .writeTimeout(connection.readTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .callTimeout(connection.connectTimeout().plus(connection.readTimeout()).toMillis(), TimeUnit.MILLISECONDS)
                .followRedirects(true)
                .followSslRedirects(true)
                // The retries below are counted and documented; OkHttp's own silent ones are not.
                .retryOnConnectionFailure(false);
        if (connection.caFile().isPresent()) {
            X509TrustManager trust = trustManager(connection.caFile().get());
            builder.sslSocketFactory(sslContext(trust).getSocketFactory(), trust);
        }
        this.http = builder.build();
    }

    /** The JobManager's base URL, for messages. */
    public URI url() {
        return connection.url();
    }

    /** Every job the JobManager knows, in the order it answered (unordered: callers must choose on purpose). */
    public List<JobOverview> jobs() throws JobManagerException {
        JsonNode root = get("jobs/overview");
        JsonNode jobs = root.path("jobs");
        if (!jobs.isArray()) {
            throw malformed("jobs/overview", "no 'jobs' array");
        }
        List<JobOverview> result = new ArrayList<>();
        for (JsonNode job : jobs) {
            String jid = job.path("jid").asText("");
            if (!FlinkLayout.isJobId(jid)) {
                throw malformed("jobs/overview", "a job without a valid 'jid'");
            }
            result.add(new JobOverview(jid, job.path("name").asText(""), job.path("state").asText("UNKNOWN"),
                    Instant.ofEpochMilli(job.path("start-time").asLong(0))));
        }
        return result;
    }

    /** The job's {@code latest} checkpoint statistics (cached by the JobManager, 3 s by default). */
    public CheckpointStats checkpoints(String jobId) throws JobManagerException {
        String path = "jobs/" + FlinkLayout.requireJobId(jobId) + "/checkpoints";
        JsonNode latest = get(path).path("latest");
        return new CheckpointStats(snapshot(latest.path("completed")), snapshot(latest.path("savepoint")),
                snapshot(latest.path("restored")));
    }

    /**
     * Triggers a savepoint ({@code POST /jobs/<id>/savepoints}) or, with {@code stop}, a stop with savepoint
     * ({@code POST /jobs/<id>/stop}). Without a directory the JobManager's configured default is used.
     *
     * @return the trigger id to poll with {@link #savepointStatus}
     */
    public String triggerSavepoint(String jobId, Optional<String> directory, boolean stop) throws JobManagerException {
        ObjectNode body = JSON.createObjectNode();
        String path;
        if (stop) {
            path = "jobs/" + FlinkLayout.requireJobId(jobId) + "/stop";
            directory.ifPresent(d -> body.put("targetDirectory", d)); // this endpoint spells it in camel case
            body.put("drain", false);
        } else {
            path = "jobs/" + FlinkLayout.requireJobId(jobId) + "/savepoints";
            directory.ifPresent(d -> body.put("target-directory", d));
            body.put("cancel-job", false);
        }
        JsonNode answer = send(path, Optional.of(body.toString()));
        String trigger = answer.path("request-id").asText("");
        if (trigger.isEmpty()) {
            throw malformed(path, "no 'request-id'");
        }
        return trigger;
    }

    /** The status of a triggered savepoint: in progress, completed with a location, or failed with a cause. */
    public SavepointStatus savepointStatus(String jobId, String triggerId) throws JobManagerException {
        // Flink's trigger ids are hex; anything else must not become part of the path.
        if (!triggerId.matches("[0-9A-Za-z-]{1,64}")) {
            throw new IllegalArgumentException("not a savepoint trigger id: " + triggerId);
        }
        String path = "jobs/" + FlinkLayout.requireJobId(jobId) + "/savepoints/" + triggerId;
        JsonNode answer = get(path);
        String status = answer.path("status").path("id").asText("");
        JsonNode operation = answer.path("operation");
        if (status.equals("IN_PROGRESS")) {
            return new SavepointStatus(false, Optional.empty(), Optional.empty());
        }
        if (!status.equals("COMPLETED") && !status.equals("FAILED")) {
            throw malformed(path, "unknown status '" + status + "'");
        }
        // Flink reports a failed operation as COMPLETED with a failure cause.
        JsonNode cause = operation.path("failure-cause");
        if (status.equals("FAILED") || !cause.isMissingNode() && !cause.isNull()) {
            return new SavepointStatus(true, Optional.empty(), Optional.of(firstLine(cause.path("stack-trace").asText(
                    cause.path("class").asText("the JobManager gave no cause")))));
        }
        String location = operation.path("location").asText("");
        if (location.isEmpty()) {
            throw malformed(path, "a completed savepoint without 'operation.location'");
        }
        return new SavepointStatus(true, Optional.of(location), Optional.empty());
    }

    @Override
    public void close() {
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }

    // ---------------------------------------------------------------- HTTP

    private JsonNode get(String path) throws JobManagerException {
        return send(path, Optional.empty());
    }

    /**
     * Sends a request, again after a connection failure or a 5xx, at most {@code attempts} times. A POST is
     * sent again only when it never reached the server (the connection failed), so no savepoint is triggered twice.
     */
    private JsonNode send(String path, Optional<String> body) throws JobManagerException {
        HttpUrl url = base.newBuilder().addPathSegments(path).build();
        String what = (body.isPresent() ? "POST " : "GET ") + redactedUrl(url);
        Request.Builder request = new Request.Builder().url(url).header("Accept", "application/json");
        connection.auth().ifPresent(a -> request.header("Authorization", a.header()));
        body.ifPresent(b -> request.post(RequestBody.create(b, JSON_TYPE)));
        Duration backoff = JobManagerConnection.FIRST_BACKOFF;
        String lastFailure = "";
        IOException lastCause = null;
        for (int attempt = 1; attempt <= connection.attempts(); attempt++) {
            if (attempt > 1) {
                pause(backoff, what);
                backoff = backoff.multipliedBy(2);
            }
            try (Response response = http.newCall(request.build()).execute()) {
                ResponseBody responseBody = response.body();
                String text = responseBody == null ? "" : responseBody.string();
                if (response.code() >= 500 && body.isEmpty()) {
                    lastFailure = "HTTP " + response.code() + flinkError(text);
                    lastCause = null;
                    continue;
                }
                if (!response.isSuccessful()) {
                    throw new JobManagerException("the JobManager answered " + what + " with HTTP " + response.code()
                            + flinkError(text), null);
                }
                try {
                    return JSON.readTree(text);
                } catch (JsonProcessingException e) {
                    throw new JobManagerException("the JobManager's answer to " + what + " is not valid JSON: "
                            + firstLine(e.getOriginalMessage()), e);
                }
            } catch (InterruptedIOException timeout) {
                // A timeout is not retried: an unreachable JobManager fails within the timeout given.
                throw new JobManagerException("the JobManager did not answer " + what + " in time (connect timeout "
                        + connection.connectTimeout().toMillis() + " ms, read timeout " + connection.readTimeout().toMillis()
                        + " ms): " + firstLine(String.valueOf(timeout.getMessage())), timeout);
            } catch (JobManagerException e) {
                throw e;
            } catch (IOException e) {
                lastFailure = e.getClass().getSimpleName() + ": " + firstLine(String.valueOf(e.getMessage()));
                lastCause = e;
            }
        }
        throw new JobManagerException("cannot reach the JobManager for " + what + " after " + connection.attempts()
                + " attempts: " + lastFailure, lastCause);
    }

    private static void pause(Duration backoff, String what) throws JobManagerException {
        try {
            Thread.sleep(backoff.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JobManagerException("interrupted while asking the JobManager for " + what, e);
        }
    }

    private static String redactedUrl(HttpUrl url) {
        return url.newBuilder().username("").password("").build().toString();
    }

    /** Flink's error answers are {@code {"errors": ["<message or stack trace>"]}}; the first line is enough. */
    private static String flinkError(String text) {
        try {
            JsonNode errors = JSON.readTree(text).path("errors");
            if (errors.isArray() && !errors.isEmpty()) {
                return ": " + firstLine(errors.get(0).asText());
            }
        } catch (JsonProcessingException notJson) {
            // a proxy's HTML page: the status says enough
        }
        return "";
    }

    private static Optional<SnapshotStats> snapshot(JsonNode node) {
        if (node.isMissingNode() || node.isNull() || !node.path("id").canConvertToLong()) {
            return Optional.empty();
        }
        JsonNode path = node.path("external_path");
        Optional<String> external = path.isTextual() && !path.asText().isBlank() && !path.asText().equals("<checkpoint-not-externally-addressable>")
                ? Optional.of(path.asText())
                : Optional.empty();
        return Optional.of(new SnapshotStats(node.path("id").asLong(), external));
    }

    private JobManagerException malformed(String path, String what) {
        return new JobManagerException("the JobManager's answer to " + redactedUrl(base.newBuilder().addPathSegments(path).build())
                + " is not what Flink sends: " + what, null);
    }

    private static String firstLine(String text) {
        String stripped = text.strip();
        int end = stripped.indexOf('\n');
        return (end < 0 ? stripped : stripped.substring(0, end)).strip();
    }

    // ---------------------------------------------------------------- TLS

    private static X509TrustManager trustManager(Path caFile) {
        try (InputStream in = Files.newInputStream(caFile)) {
            Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certificates.isEmpty()) {
                throw new IllegalArgumentException("the CA file " + caFile + " holds no certificate");
            }
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int n = 0;
            for (Certificate certificate : certificates) {
                store.setCertificateEntry("ca-" + n++, certificate);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            for (TrustManager manager : factory.getTrustManagers()) {
                if (manager instanceof X509TrustManager x509) {
                    return x509;
                }
            }
            throw new IllegalStateException("no X.509 trust manager in this JVM");
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot read the CA file " + caFile + ": " + e.getMessage(), e);
        }
    }

    private static SSLContext sslContext(X509TrustManager trust) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {trust}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("TLS is not available in this JVM", e);
        }
    }
}
