package dev.laststate.azure;

import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import dev.laststate.store.CheckpointStore;
import dev.laststate.store.StoreUri;
import dev.laststate.tck.CheckpointStoreTck;
import dev.laststate.tck.StoreFixture;
import java.util.Map;

/**
 * The whole TCK on Azurite, through an {@code abfss} location as Flink writes it, with only the
 * connection string in the environment, listing 250 names a page. Copies above 4 MiB take the asynchronous Copy Blob path, so the
 * TCK's 12 MiB copy exercises it and its 3 MiB copy the synchronous one. The edges: a container that was never
 * created, and a blob planted with the SDK whose name has an empty segment.
 */
class AzuriteTckTest extends CheckpointStoreTck {

    static final String CONTAINER = "tck";
    static final String OTHER_CONTAINER = "tck-other";
    /** The TCK's 1,050-name directory then spans five pages, with directories on the later ones. */
    static final int LIST_PAGE_SIZE = 250;

    @Override
    protected StoreFixture createFixture() throws Exception {
        Azurite azurite = Azurite.start();
        try {
            BlobServiceClient service = new BlobServiceClientBuilder().connectionString(azurite.connectionString()).buildClient();
            BlobContainerClient container = service.createBlobContainer(CONTAINER);
            service.createBlobContainer(OTHER_CONTAINER);
            AzureStoreConfig config = AzureStoreConfig.fromOptions(Map.of(
                    AzureStoreConfig.ENDPOINT, azurite.endpoint(),
                    AzureStoreConfig.SYNC_COPY_MAX_BYTES, String.valueOf(4 * 1024 * 1024)));
            CheckpointStore store = new AzureCheckpointStore(config, AzureCredentials.fromEnvironment(azurite.environment()),
                    new JdkHttpClientBuilder().build(), LIST_PAGE_SIZE);
            return StoreFixture.of(store, n -> StoreUri.parse("abfss://" + CONTAINER + "@" + Azurite.ACCOUNT
                    + ".dfs.core.windows.net/flink/root-" + n), azurite)
                    .withMissingContainer(StoreUri.parse("abfss://no-such-container@" + Azurite.ACCOUNT + ".dfs.core.windows.net/flink"))
                    .withOtherContainer(StoreUri.parse("abfss://" + OTHER_CONTAINER + "@" + Azurite.ACCOUNT + ".dfs.core.windows.net/flink"))
                    .withUnrepresentableNames(directory -> {
                        // "<dir>//x" lists at <dir> as the prefix "<dir>//": an empty segment. (A control character
                        // would do on Azure, which encodes it in the listing; Azurite fails the whole listing with 500.)
                        container.getBlobClient(directory.path() + "//x").upload(BinaryData.fromString("x"));
                        return "/";
                    });
        } catch (Exception | Error e) {
            azurite.close();
            throw e;
        }
    }
}
