package dev.laststate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/**
 * The relocated promotion of a running job ({@link RelocatedRunningJob}) with Flink 2's ForSt state backend
 * ({@code state.backend.type: forst}, incremental checkpoints; the counter job uses the synchronous state API, so
 * ForSt keeps its working files locally and uploads its SST files to {@code <job>/shared/}, as RocksDB does). Flink
 * 2.x only: only the e2e pom's default profile puts {@code flink-statebackend-forst} on the class path, and its
 * {@code flink-1.20} profile excludes this class.
 */
class ForStRelocationIT extends FlinkClusterTest {

    ForStRelocationIT() {
        super(FlinkCluster.Backend.FORST_INCREMENTAL);
    }

    @Test
    void relocatedPromotionsOfARunningForStJobRestoreAfterItsJobDirectoryIsGone() throws Exception {
        // Excluded under -Pflink-1.20; named there anyway (-Dit.test overrides excludes) it fails, never skips.
        assertThat(System.getProperty("flink.e2e.version", "")).as("ForSt needs Flink 2.x: run without -Pflink-1.20")
                .doesNotStartWith("1.");
        RelocatedRunningJob.Result result =
                RelocatedRunningJob.run(flink, RelocatedRunningJob.local(checkpoints, laststate), "forst-relocated");
        assertThat(result.lastSources()).as("outside chk-n: ForSt's shared/ files").allMatch(s -> s.contains("/shared/"));

        // The job Flink ran was ForSt's: its checkpoint configuration, as the REST API reports it.
        URI config = flink.restAddress().resolve("/jobs/" + result.jobId() + "/checkpoints/config");
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(config).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.body()).contains("\"state_backend\":\"ForStStateBackend\"");
        System.out.printf("MEASURED forst-relocated job %s: %s%n", result.jobId(), response.body());
    }
}
