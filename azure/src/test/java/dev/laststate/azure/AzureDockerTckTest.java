package dev.laststate.azure;

import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.storage.blob.BlobServiceClientBuilder;
import dev.laststate.store.CheckpointStore;
import dev.laststate.store.StoreUri;
import dev.laststate.tck.CheckpointStoreTck;
import dev.laststate.tck.StoreFixture;
import java.util.Map;
import org.testcontainers.azure.AzuriteContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The whole TCK against Azurite's Docker image, through Testcontainers: the same emulator as
 * {@link AzuriteTckTest}, started the way users with Docker start it. Runs only with {@code -Pdocker}
 * (surefire leaves {@code *DockerTckTest} classes out otherwise); without a Docker engine it fails.
 */
class AzureDockerTckTest extends CheckpointStoreTck {

    private static final DockerImageName IMAGE = DockerImageName.parse("mcr.microsoft.com/azure-storage/azurite:3.35.0");
    private static final String ACCOUNT = "devstoreaccount1";
    private static final String CONTAINER = "tck";
    private static final int BLOB_PORT = 10000;

    @Override
    protected StoreFixture createFixture() throws Exception {
        // The image's own command, plus the flags the in-process run uses: the SDK may speak a newer API version.
        AzuriteContainer azurite = new AzuriteContainer(IMAGE).withCommand("azurite", "--blobHost", "0.0.0.0",
                "--queueHost", "0.0.0.0", "--tableHost", "0.0.0.0", "--inMemoryPersistence", "--skipApiVersionCheck", "--loose");
        azurite.start();
        try {
            String connectionString = azurite.getConnectionString();
            new BlobServiceClientBuilder().connectionString(connectionString).buildClient().createBlobContainer(CONTAINER);
            String endpoint = "http://" + azurite.getHost() + ":" + azurite.getMappedPort(BLOB_PORT) + "/" + ACCOUNT;
            AzureStoreConfig config = AzureStoreConfig.fromOptions(Map.of(AzureStoreConfig.ENDPOINT, endpoint));
            CheckpointStore store = new AzureCheckpointStore(config,
                    AzureCredentials.fromEnvironment(Map.of("AZURE_STORAGE_CONNECTION_STRING", connectionString)),
                    new JdkHttpClientBuilder().build(), AzuriteTckTest.LIST_PAGE_SIZE);
            return StoreFixture.of(store, n -> StoreUri.parse("abfss://" + CONTAINER + "@" + ACCOUNT
                    + ".dfs.core.windows.net/flink/root-" + n), azurite::stop);
        } catch (Exception | Error e) {
            azurite.stop();
            throw e;
        }
    }
}
