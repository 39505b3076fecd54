package dev.laststate.rest;

import dev.laststate.flink.FlinkLayout;
import dev.laststate.flink.Lineage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.laststate.flink.NothingToPromoteException;
import dev.laststate.job.JobInfo;
import dev.laststate.job.JobSelectionException;
import dev.laststate.store.StoreUri;
import dev.laststate.store.file.FileCheckpointStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** Which job the REST source picks, its lineage and lower bound, from recorded answers and a local checkpoint tree. */
class FlinkRestJobSourceTest {

    static final List<String> VERSIONS = RestFixtures.VERSIONS;

    @TempDir
    Path dir;

    private MockWebServer server;
    private final Map<String, String> answers = new HashMap<>();
    private FileCheckpointStore store;

    @BeforeEach
    void start() throws IOException {
        server = new MockWebServer();
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                String body = answers.get(request.getPath());
                return body == null ? new MockResponse().setResponseCode(404).setBody("{\"errors\":[\"Not found: " + request.getPath() + "\"]}")
                        : new MockResponse().setHeader("Content-Type", "application/json").setBody(body);
            }
        });
        server.start(java.net.InetAddress.getLoopbackAddress(), 0);
        store = new FileCheckpointStore();
    }

    @AfterEach
    void stop() throws IOException {
        server.shutdown();
        store.close();
    }

    /** Serves a recorded answer, its recorded root replaced by this test's directory. */
    private void serve(String version, String path, String fixture) {
        answers.put(path, RestFixtures.body(version, fixture).replace(RestFixtures.ids(version).get("root"), dir.toString()));
    }

    /** Serves {@code overview} as the job overview and {@code checkpoints} as the checkpoint statistics of each of {@code jobs}. */
    private void serveJobs(String version, String overview, String checkpoints, String... jobs) {
        serve(version, "/jobs/overview", overview);
        for (String job : jobs) {
            serve(version, "/jobs/" + job + "/checkpoints", checkpoints);
        }
    }

    /**
     * Serves an overview in which one job runs, the recording's job {@code key}, with its checkpoint statistics, and
     * checks that the source, given neither a job name nor a job id, picks that job.
     */
    private JobInfo theOneRunningJob(String version, String overview, String checkpoints, String key) throws Exception {
        String job = RestFixtures.ids(version).get(key);
        serveJobs(version, overview, checkpoints, job);
        JobInfo info = source().job();
        assertThat(info.jobId()).isEqualTo(job);
        return info;
    }

    private StoreUri checkpoints() {
        return StoreUri.parse(dir.resolve("checkpoints").toString());
    }

    /** The source given neither a job name nor a job id. */
    private FlinkRestJobSource source() {
        return source(Optional.empty(), Optional.empty());
    }

    private FlinkRestJobSource source(Optional<String> name, Optional<String> id) {
        FlinkRestClient client = new FlinkRestClient(JobManagerConnection.of(server.url("/").uri()));
        return new FlinkRestJobSource(client, name, id, store, checkpoints(), Optional.empty());
    }

    private void checkpoint(String job, long id) throws IOException {
        Path chk = dir.resolve("checkpoints").resolve(job).resolve("chk-" + id);
        Files.createDirectories(chk);
        Files.write(chk.resolve(FlinkLayout.METADATA), FlinkLayout.metadataHeader(id));
    }

    @ParameterizedTest
    @FieldSource("VERSIONS")
    void aRestoredJobContinuesItsLineageWithTheReportedCheckpointAsLowerBound(String version) throws Exception {
        JobInfo info = theOneRunningJob(version, "jobs-overview-restored.json", "checkpoints-restored.json", "restored");

        assertThat(info.name()).contains("counter");
        assertThat(info.lineage()).isEqualTo(Lineage.RESTORED);
        long completed = Long.parseLong(RestFixtures.body(version, "checkpoints-restored.json")
                .replaceAll("(?s).*\"latest\":\\{\"completed\":\\{[^}]*?\"id\":(\\d+).*", "$1"));
        assertThat(info.minCheckpointId()).isEqualTo(OptionalLong.of(completed));
        assertThat(info.foundBy()).isEqualTo("JobManager " + server.url("/"));
    }

    @ParameterizedTest
    @FieldSource("VERSIONS")
    void aJobWithoutLatestRestoredStartedEmpty(String version) throws Exception {
        JobInfo info = theOneRunningJob(version, "jobs-overview-one-running.json", "checkpoints-running.json", "first");

        assertThat(info.lineage()).isEqualTo(Lineage.STARTED_EMPTY);
        assertThat(info.minCheckpointId()).isPresent();
    }

    @ParameterizedTest
    @FieldSource("VERSIONS")
    void severalRunningJobsAreNamedAndRefused(String version) throws Exception {
        Map<String, String> ids = RestFixtures.ids(version);
        serveJobs(version, "jobs-overview-two-running.json", "checkpoints-running.json", ids.get("first"));

        assertThatThrownBy(() -> source().job())
                .isInstanceOf(JobSelectionException.class)
                .hasMessageContaining("2 jobs are running")
                .hasMessageContaining(ids.get("first")).hasMessageContaining(ids.get("other"))
                .hasMessageContaining("--job-name or --job-id");
        assertThat(source(Optional.of("counter"), Optional.empty()).job().jobId()).isEqualTo(ids.get("first"));
        assertThat(source(Optional.empty(), Optional.of(ids.get("first"))).job().jobId()).isEqualTo(ids.get("first"));
    }

    @ParameterizedTest
    @FieldSource("VERSIONS")
    void withNoJobRunningTheMostRecentlyStartedMatchingJobIsTakenIfStorageStillHoldsItsSnapshots(String version) throws Exception {
        Map<String, String> ids = RestFixtures.ids(version);
        serveJobs(version, "jobs-overview-none-running.json", "checkpoints-canceled.json", ids.get("first"), ids.get("other"));

        // other-counter started last, but its snapshots are gone
        assertThatThrownBy(() -> source().job())
                .isInstanceOf(NothingToPromoteException.class)
                .hasMessageContaining("no job is running")
                .hasMessageContaining(ids.get("other"))
                .hasMessageContaining("has no complete snapshot left");

        checkpoint(ids.get("first"), 3);
        JobInfo info = source(Optional.of("counter"), Optional.empty()).job();
        assertThat(info.jobId()).isEqualTo(ids.get("first"));
        assertThat(info.lineage()).isEqualTo(Lineage.STARTED_EMPTY);
    }

    @Test
    void noMatchingJobIsNothingToPromote() {
        serve("2.3.0", "/jobs/overview", "jobs-overview-empty.json");
        assertThatThrownBy(() -> source(Optional.of("counter"), Optional.empty()).job())
                .isInstanceOf(NothingToPromoteException.class)
                .hasMessageContaining("knows no job named 'counter'");
    }

    @Test
    void aSavepointNeedsARunningJob() {
        serve("1.20.5", "/jobs/overview", "jobs-overview-none-running.json");
        assertThatThrownBy(() -> source(Optional.of("counter"), Optional.empty()).runningJob())
                .isInstanceOf(NothingToPromoteException.class)
                .hasMessageContaining("no job named 'counter' is running");
    }

    @ParameterizedTest
    @FieldSource("VERSIONS")
    void checkpointsOutsideTheStoreAreRefusedSayingWhereTheyAre(String version) throws Exception {
        String job = RestFixtures.ids(version).get("first");
        answers.put("/jobs/overview", RestFixtures.body(version, "jobs-overview-one-running.json"));
        answers.put("/jobs/" + job + "/checkpoints", RestFixtures.body(version, "checkpoints-running.json")); // root not replaced

        assertThatThrownBy(() -> source().job())
                .isInstanceOf(JobSelectionException.class)
                .hasMessageContaining("writes its checkpoints to file:/tmp/flink-rest-fixture/" + version + "/checkpoints/" + job + "/chk-")
                .hasMessageContaining("not in --store " + checkpoints());
    }

    @Test
    void reportedPathsMatchTheStoreInEveryScheme() {
        assertThat(FlinkRestJobSource.within("file:/data/cp/abc/chk-3", StoreUri.parse("file:///data/cp"))).isTrue();
        assertThat(FlinkRestJobSource.within("file:///data/cp/abc/chk-3", StoreUri.parse("/data/cp"))).isTrue();
        assertThat(FlinkRestJobSource.within("s3a://bucket/flink/cp/abc/chk-3", new StoreUri("s3", "bucket", "flink/cp"))).isTrue();
        assertThat(FlinkRestJobSource.within("s3p://bucket/flink/cp/abc/chk-3", new StoreUri("s3", "bucket", "flink/cp"))).isTrue();
        assertThat(FlinkRestJobSource.within("s3://bucket/flink/cp/abc/chk-3", new StoreUri("s3a", "bucket", "flink/cp"))).isTrue();
        assertThat(FlinkRestJobSource.within("gs://b/cp/abc/chk-3", new StoreUri("gs", "b", "cp"))).isTrue();
        assertThat(FlinkRestJobSource.within("abfs://c@acct.dfs.core.windows.net/cp/x/chk-1",
                new StoreUri("abfss", "c@acct.dfs.core.windows.net", "cp"))).isTrue();
        assertThat(FlinkRestJobSource.within("hdfs://nn:8020/flink/cp/x/chk-1", new StoreUri("hdfs", "nn:8020", "flink/cp"))).isTrue();

        assertThat(FlinkRestJobSource.within("s3://other/flink/cp/abc/chk-3", new StoreUri("s3", "bucket", "flink/cp"))).isFalse();
        assertThat(FlinkRestJobSource.within("gs://bucket/flink/cp/abc/chk-3", new StoreUri("s3", "bucket", "flink/cp"))).isFalse();
        assertThat(FlinkRestJobSource.within("file:/data/cp2/abc/chk-3", StoreUri.parse("file:///data/cp"))).isFalse();
        assertThat(FlinkRestJobSource.within("not a uri", StoreUri.parse("file:///data/cp"))).isFalse();
    }
}
