package dev.laststate.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.laststate.rest.FlinkRestClient.CheckpointStats;
import dev.laststate.rest.FlinkRestClient.JobOverview;
import dev.laststate.rest.FlinkRestClient.SavepointStatus;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import okhttp3.mockwebserver.SocketPolicy;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** The REST client against a real HTTP server (MockWebServer) serving answers recorded from Flink 2.3.0 and 1.20.5. */
class FlinkRestClientTest {

    static final List<String> VERSIONS = RestFixtures.VERSIONS;

    private MockWebServer server;

    @TempDir
    Path dir;

    @BeforeEach
    void start() throws IOException {
        server = new MockWebServer(); // in-process and started in milliseconds; one per test keeps queues apart
        server.start(java.net.InetAddress.getLoopbackAddress(), 0);
    }

    @AfterEach
    void stop() throws IOException {
        server.shutdown();
    }

    /** Queues the answers recorded from Flink {@code version}, in the order the client asks. */
    private void enqueue(String version, String... recorded) {
        for (String name : recorded) {
            server.enqueue(RestFixtures.json(version, name));
        }
    }

    private FlinkRestClient client() {
        return client(JobManagerConnection.of(server.url("/").uri()));
    }

    private static FlinkRestClient client(JobManagerConnection connection) {
        return new FlinkRestClient(connection);
    }

    @ParameterizedTest
    @FieldSource("VERSIONS")
    void readsTheJobOverview(String version) throws Exception {
        enqueue(version, "jobs-overview-restored.json");
        try (FlinkRestClient client = client()) {
            List<JobOverview> jobs = client.jobs();
            assertThat(jobs).extracting(JobOverview::state).containsExactlyInAnyOrder("RUNNING", "CANCELED", "CANCELED");
            JobOverview running = jobs.stream().filter(JobOverview::running).findFirst().orElseThrow();
            assertThat(running.jobId()).isEqualTo(RestFixtures.ids(version).get("restored"));
            assertThat(running.name()).isEqualTo("counter");
            assertThat(running.startTime()).isAfter(Instant.parse("2020-01-01T00:00:00Z"));
        }
        assertThat(server.takeRequest().getPath()).isEqualTo("/jobs/overview");
    }

    @ParameterizedTest
    @FieldSource("VERSIONS")
    void readsLatestCompletedSavepointAndRestored(String version) throws Exception {
        Map<String, String> ids = RestFixtures.ids(version);
        enqueue(version, "checkpoints-after-savepoint.json", "checkpoints-restored.json");
        try (FlinkRestClient client = client()) {
            CheckpointStats running = client.checkpoints(ids.get("first"));
            assertThat(running.completed()).hasValueSatisfying(c -> assertThat(c.externalPath()).hasValueSatisfying(p ->
                    assertThat(p).startsWith("file:/tmp/flink-rest-fixture/" + version + "/checkpoints/" + ids.get("first") + "/chk-")));
            assertThat(running.savepoint()).hasValueSatisfying(s -> assertThat(s.externalPath()).contains(ids.get("savepoint")));
            assertThat(running.restored()).isEmpty();

            CheckpointStats restored = client.checkpoints(ids.get("restored"));
            assertThat(restored.restored()).hasValueSatisfying(r -> {
                assertThat(r.externalPath()).contains(ids.get("savepoint"));
                assertThat(r.id()).isEqualTo(running.savepoint().orElseThrow().id());
            });
        }
        assertThat(server.takeRequest().getPath()).isEqualTo("/jobs/" + ids.get("first") + "/checkpoints");
    }

    @Test
    void missingOrNullLatestFieldsAreEmpty() throws Exception {
        server.enqueue(new MockResponse().setBody("{\"counts\":{}}"));
        server.enqueue(new MockResponse().setBody("{\"latest\":{\"completed\":null,\"savepoint\":null,\"failed\":null,\"restored\":null}}"));
        server.enqueue(new MockResponse().setBody("{\"latest\":{\"completed\":{\"id\":7}}}"));
        String job = "a1b2c3d4e5f60718293a4b5c6d7e8f90";
        try (FlinkRestClient client = client()) {
            assertThat(client.checkpoints(job)).isEqualTo(new CheckpointStats(Optional.empty(), Optional.empty(), Optional.empty()));
            assertThat(client.checkpoints(job)).isEqualTo(new CheckpointStats(Optional.empty(), Optional.empty(), Optional.empty()));
            CheckpointStats noPath = client.checkpoints(job);
            assertThat(noPath.completed()).hasValueSatisfying(c -> {
                assertThat(c.id()).isEqualTo(7);
                assertThat(c.externalPath()).isEmpty();
            });
        }
    }

    @ParameterizedTest
    @FieldSource("VERSIONS")
    void aJobFlinkDoesNotKnowIsAOneLineError(String version) {
        server.enqueue(RestFixtures.json(version, "not-found.json").setResponseCode(404));
        try (FlinkRestClient client = client()) {
            assertThatThrownBy(() -> client.checkpoints("00000000000000000000000000000000"))
                    .isInstanceOf(JobManagerException.class)
                    .hasMessageContaining("HTTP 404")
                    .hasMessageContaining("Job 00000000000000000000000000000000 not found")
                    .hasMessageNotContaining("\n");
        }
    }

    @Test
    void a503IsRetriedThenTheAnswerIsUsed() throws Exception {
        server.enqueue(new MockResponse().setResponseCode(503).setBody("{\"errors\":[\"Service temporarily unavailable due to an ongoing leader election. Please refresh.\"]}"));
        enqueue("2.3.0", "jobs-overview-one-running.json");
        try (FlinkRestClient client = client()) {
            assertThat(client.jobs()).hasSize(1);
        }
        assertThat(server.getRequestCount()).isEqualTo(2);
    }

    @Test
    void persistent5xxGivesUpAfterTheDocumentedAttempts() {
        for (int i = 0; i < JobManagerConnection.DEFAULT_ATTEMPTS; i++) {
            server.enqueue(new MockResponse().setResponseCode(502).setBody("<html>bad gateway</html>"));
        }
        try (FlinkRestClient client = client()) {
            assertThatThrownBy(client::jobs).isInstanceOf(JobManagerException.class)
                    .hasMessageContaining("after " + JobManagerConnection.DEFAULT_ATTEMPTS + " attempts")
                    .hasMessageContaining("HTTP 502");
        }
        assertThat(server.getRequestCount()).isEqualTo(JobManagerConnection.DEFAULT_ATTEMPTS);
    }

    @Test
    void aSilentJobManagerTimesOutWithinTheReadTimeoutAndIsNotAskedAgain() {
        server.enqueue(new MockResponse().setSocketPolicy(SocketPolicy.NO_RESPONSE));
        JobManagerConnection connection = JobManagerConnection.of(server.url("/").uri())
                .withTimeouts(Duration.ofMillis(500), Duration.ofMillis(300));
        long started = System.nanoTime();
        try (FlinkRestClient client = client(connection)) {
            assertThatThrownBy(client::jobs).isInstanceOf(JobManagerException.class)
                    .hasMessageContaining("did not answer GET")
                    .hasMessageContaining("read timeout 300 ms");
        }
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
        assertThat(server.getRequestCount()).isEqualTo(1);
    }

    @Test
    void anUnreachableJobManagerFailsQuickly() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort(); // closed again: nothing listens there
        }
        long started = System.nanoTime();
        try (FlinkRestClient client = client(JobManagerConnection.of(URI.create("http://127.0.0.1:" + port + "/")))) {
            assertThatThrownBy(client::jobs).isInstanceOf(JobManagerException.class)
                    .hasMessageStartingWith("cannot reach the JobManager for GET http://127.0.0.1:" + port + "/jobs/overview after 3 attempts");
        }
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void redirectsAreFollowedOnGet() throws Exception {
        server.enqueue(new MockResponse().setResponseCode(307).setHeader("Location", "/leader/jobs/overview"));
        enqueue("1.20.5", "jobs-overview-one-running.json");
        try (FlinkRestClient client = client()) {
            assertThat(client.jobs()).hasSize(1);
        }
        assertThat(server.takeRequest().getPath()).isEqualTo("/jobs/overview");
        assertThat(server.takeRequest().getPath()).isEqualTo("/leader/jobs/overview");
    }

    @Test
    void malformedJsonIsAOneLineError() {
        server.enqueue(new MockResponse().setBody("{\"jobs\": [ {\"jid\": \n"));
        try (FlinkRestClient client = client()) {
            assertThatThrownBy(client::jobs).isInstanceOf(JobManagerException.class)
                    .hasMessageStartingWith("the JobManager's answer to GET " + server.url("/jobs/overview") + " is not valid JSON")
                    .hasMessageNotContaining("\n");
        }
    }

    @Test
    void anAnswerOfTheWrongShapeIsAnError() {
        server.enqueue(new MockResponse().setBody("{\"jobs\": {}}"));
        try (FlinkRestClient client = client()) {
            assertThatThrownBy(client::jobs).isInstanceOf(JobManagerException.class).hasMessageContaining("no 'jobs' array");
        }
    }

    @Test
    void bearerTokenIsSentAndNeverInMessages() throws Exception {
        String token = "tok-3f9a1c7e5b";
        server.enqueue(new MockResponse().setResponseCode(401).setBody("{\"errors\":[\"unauthorized\"]}"));
        JobManagerConnection connection = JobManagerConnection.of(server.url("/").uri())
                .withAuth(Optional.of(JobManagerAuth.bearer(token)));
        try (FlinkRestClient client = client(connection)) {
            assertThatThrownBy(client::jobs).isInstanceOf(JobManagerException.class)
                    .hasMessageContaining("HTTP 401").hasMessageNotContaining(token);
        }
        assertThat(server.takeRequest().getHeader("Authorization")).isEqualTo("Bearer " + token);
        assertThat(connection.toString()).doesNotContain(token).contains("bearer ****");
    }

    @Test
    void basicAuthIsSent() throws Exception {
        enqueue("2.3.0", "jobs-overview-empty.json");
        JobManagerConnection connection = JobManagerConnection.of(server.url("/").uri())
                .withAuth(Optional.of(JobManagerAuth.basic("flink", "pa55")));
        try (FlinkRestClient client = client(connection)) {
            assertThat(client.jobs()).isEmpty();
        }
        assertThat(server.takeRequest().getHeader("Authorization")).isEqualTo("Basic Zmxpbms6cGE1NQ==");
        assertThat(connection.toString()).doesNotContain("pa55");
    }

    @Test
    void credentialsInTheUrlAreRefused() {
        assertThatThrownBy(() -> JobManagerConnection.of(URI.create("http://u:secret@127.0.0.1:8081/")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("LASTSTATE_JOBMANAGER_TOKEN")
                .hasMessageNotContaining("secret@");
    }

    @Test
    void tlsWithACustomCaFile() throws Exception {
        HeldCertificate ca = new HeldCertificate.Builder().certificateAuthority(0).commonName("laststate test CA").build();
        HeldCertificate serverCert = new HeldCertificate.Builder().signedBy(ca).addSubjectAlternativeName("127.0.0.1")
                .addSubjectAlternativeName("localhost").build();
        HandshakeCertificates serverTls = new HandshakeCertificates.Builder().heldCertificate(serverCert, ca.certificate()).build();
        server.useHttps(serverTls.sslSocketFactory(), false);
        enqueue("2.3.0", "jobs-overview-one-running.json", "jobs-overview-one-running.json");
        Path caFile = dir.resolve("ca.pem");
        Files.writeString(caFile, ca.certificatePem());
        URI url = URI.create("https://127.0.0.1:" + server.getPort() + "/");
        assertThat(server.url("/").isHttps()).isTrue();

        try (FlinkRestClient trusting = client(JobManagerConnection.of(url).withCaFile(Optional.of(caFile)))) {
            assertThat(trusting.jobs()).hasSize(1);
        }
        try (FlinkRestClient jvmDefaults = client(JobManagerConnection.of(url).withAttempts(1))) {
            assertThatThrownBy(jvmDefaults::jobs).isInstanceOf(JobManagerException.class)
                    .hasMessageContaining("SSLHandshakeException");
        }
    }

    @Test
    void aCaFileWithoutCertificatesIsBadInput() throws IOException {
        Path empty = Files.writeString(dir.resolve("empty.pem"), "");
        assertThatThrownBy(() -> client(JobManagerConnection.of(URI.create("https://127.0.0.1:1/")).withCaFile(Optional.of(empty))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(empty.toString());
    }

    @ParameterizedTest
    @FieldSource("VERSIONS")
    void triggersASavepointAndReadsItsStatus(String version) throws Exception {
        Map<String, String> ids = RestFixtures.ids(version);
        String job = ids.get("first");
        enqueue(version, "savepoint-trigger.json",
                "savepoint-status-first.json", "savepoint-status-completed.json", "savepoint-status-failed.json");
        try (FlinkRestClient client = client()) {
            String trigger = client.triggerSavepoint(job, Optional.of("file:///sp"), false);
            assertThat(trigger).matches("[0-9a-f]{32}");
            assertThat(client.savepointStatus(job, trigger)).isEqualTo(new SavepointStatus(false, Optional.empty(), Optional.empty()));
            assertThat(client.savepointStatus(job, trigger)).isEqualTo(new SavepointStatus(true, Optional.of(ids.get("savepoint")), Optional.empty()));
            SavepointStatus failed = client.savepointStatus(job, trigger);
            assertThat(failed.done()).isTrue();
            assertThat(failed.location()).isEmpty();
            assertThat(failed.failure()).hasValueSatisfying(f -> assertThat(f).contains("CheckpointException").doesNotContain("\n"));
        }
        RecordedRequest post = server.takeRequest(1, TimeUnit.SECONDS);
        assertThat(post.getMethod()).isEqualTo("POST");
        assertThat(post.getPath()).isEqualTo("/jobs/" + job + "/savepoints");
        assertThat(post.getBody().readUtf8()).isEqualTo("{\"target-directory\":\"file:///sp\",\"cancel-job\":false}");
        assertThat(server.takeRequest().getPath()).startsWith("/jobs/" + job + "/savepoints/");
    }

    @ParameterizedTest
    @FieldSource("VERSIONS")
    void stopWithSavepointIntoTheDefaultDirectory(String version) throws Exception {
        Map<String, String> ids = RestFixtures.ids(version);
        String job = ids.get("restored");
        enqueue(version, "stop-trigger.json", "stop-status-completed.json");
        try (FlinkRestClient client = client()) {
            String trigger = client.triggerSavepoint(job, Optional.empty(), true);
            assertThat(client.savepointStatus(job, trigger).location()).hasValueSatisfying(l ->
                    assertThat(l).startsWith("file:/tmp/flink-rest-fixture/" + version + "/savepoints/savepoint-" + job.substring(0, 6)));
        }
        RecordedRequest post = server.takeRequest();
        assertThat(post.getPath()).isEqualTo("/jobs/" + job + "/stop");
        assertThat(post.getBody().readUtf8()).isEqualTo("{\"drain\":false}");
    }

    @Test
    void aTriggerIsNotSentAgainAfterA5xx() {
        server.enqueue(new MockResponse().setResponseCode(500).setBody("{\"errors\":[\"boom\"]}"));
        try (FlinkRestClient client = client()) {
            assertThatThrownBy(() -> client.triggerSavepoint("a1b2c3d4e5f60718293a4b5c6d7e8f90", Optional.empty(), false))
                    .isInstanceOf(JobManagerException.class).hasMessageContaining("HTTP 500: boom");
        }
        assertThat(server.getRequestCount()).isEqualTo(1);
    }
}
