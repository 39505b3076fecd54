package dev.laststate.gcs;

import com.google.cloud.NoCredentials;
import com.google.cloud.storage.BucketInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;
import dev.laststate.store.CheckpointStore;
import dev.laststate.store.StoreUri;
import dev.laststate.tck.CheckpointStoreTck;
import dev.laststate.tck.StoreFixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * The whole TCK against fake-gcs-server (an HTTP emulator of the JSON API) in Docker, through Testcontainers.
 * Runs only with {@code -Pdocker} (surefire leaves {@code *DockerTckTest} classes out otherwise); without a
 * Docker engine it fails. The store is opened the way a user points it at an emulator:
 * {@code STORAGE_EMULATOR_HOST}, no credentials.
 */
class GcsDockerTckTest extends CheckpointStoreTck {

    private static final DockerImageName IMAGE = DockerImageName.parse("fsouza/fake-gcs-server:1.52.2");
    private static final int PORT = 4443;
    private static final String BUCKET = "laststate-tck";

    @Override
    protected StoreFixture createFixture() throws Exception {
        GenericContainer<?> server = new GenericContainer<>(IMAGE)
                .withExposedPorts(PORT)
                .withCommand("-scheme", "http", "-port", Integer.toString(PORT), "-backend", "memory")
                .waitingFor(Wait.forHttp("/storage/v1/b").forPort(PORT).forStatusCode(200));
        server.start();
        try {
            String endpoint = "http://" + server.getHost() + ":" + server.getMappedPort(PORT);
            // Resumable uploads continue at the URL the server announces: make it the mapped one.
            HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(endpoint + "/_internal/config"))
                    .header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString("{\"externalUrl\":\"" + endpoint + "\"}")).build(),
                    HttpResponse.BodyHandlers.discarding());
            Storage admin = StorageOptions.http().setHost(endpoint).setProjectId("laststate-tck")
                    .setCredentials(NoCredentials.getInstance()).build().getService();
            admin.create(BucketInfo.of(BUCKET));
            CheckpointStore store = new GcsCheckpointStoreProvider().open(Map.of(), Map.of("STORAGE_EMULATOR_HOST", endpoint));
            return StoreFixture.of(store, n -> StoreUri.parse("gs://" + BUCKET + "/root-" + n), server::stop);
        } catch (Exception | Error e) {
            server.stop();
            throw e;
        }
    }
}
