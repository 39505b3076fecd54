package dev.laststate.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.laststate.store.CheckpointStoreProvider;
import dev.laststate.store.CheckpointStores;
import dev.laststate.store.InvalidStoreConfigurationException;
import dev.laststate.store.InvalidStoreUriException;
import dev.laststate.store.StoreUri;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Locations as Flink writes them, the {@code azure.*} options and where credentials come from; no service needed. */
class AzureStoreConfigTest {

    @Test
    void abfssLocationNamesContainerAccountAndBlobEndpoint() {
        StoreUri uri = StoreUri.parse("abfss://checkpoints@myaccount.dfs.core.windows.net/flink/job-a");
        assertThat(uri.authority()).isEqualTo("checkpoints@myaccount.dfs.core.windows.net");

        AzureLocation location = AzureLocation.of(uri);

        assertThat(location.container()).isEqualTo("checkpoints");
        assertThat(location.account()).isEqualTo("myaccount");
        assertThat(location.blobName()).isEqualTo("flink/job-a");
        assertThat(location.directoryPrefix()).isEqualTo("flink/job-a/");
        assertThat(location.blobEndpoint()).isEqualTo("https://myaccount.blob.core.windows.net");
    }

    @Test
    void wasbsAndPlainSchemesNameTheSameBlobs() {
        AzureLocation wasbs = AzureLocation.of(StoreUri.parse("wasbs://checkpoints@myaccount.blob.core.windows.net/flink"));
        AzureLocation wasb = AzureLocation.of(StoreUri.parse("wasb://checkpoints@myaccount.blob.core.windows.net/flink"));
        AzureLocation abfs = AzureLocation.of(StoreUri.parse("abfs://checkpoints@myaccount.dfs.core.windows.net/flink"));

        assertThat(wasbs).isEqualTo(wasb);
        assertThat(abfs.blobEndpoint()).isEqualTo(wasbs.blobEndpoint());
        assertThat(abfs.blobName()).isEqualTo(wasbs.blobName());
    }

    @Test
    void sovereignCloudSuffixIsKept() {
        AzureLocation china = AzureLocation.of(StoreUri.parse("abfss://ck1@acct.dfs.core.chinacloudapi.cn/x"));

        assertThat(china.blobEndpoint()).isEqualTo("https://acct.blob.core.chinacloudapi.cn");
    }

    @Test
    void containerRootHasNoBlobName() {
        AzureLocation root = AzureLocation.of(StoreUri.parse("abfss://ck1@acct.dfs.core.windows.net"));

        assertThat(root.blobName()).isEmpty();
        assertThat(root.directoryPrefix()).isEmpty();
    }

    @Test
    void malformedAuthoritiesAreRejectedWithTheExpectedForm() {
        assertThatThrownBy(() -> AzureLocation.of(StoreUri.parse("abfss://myaccount.dfs.core.windows.net/x")))
                .isInstanceOf(InvalidStoreUriException.class).hasMessageContaining("<container>@<account>");
        assertThatThrownBy(() -> AzureLocation.of(StoreUri.parse("abfss://Checkpoints@myaccount.dfs.core.windows.net/x")))
                .isInstanceOf(InvalidStoreUriException.class);
        assertThatThrownBy(() -> AzureLocation.of(StoreUri.parse("abfss://c1@myaccount.queue.core.windows.net/x")))
                .isInstanceOf(InvalidStoreUriException.class);
        assertThatThrownBy(() -> AzureLocation.of(StoreUri.parse("s3://bucket/x")))
                .isInstanceOf(InvalidStoreUriException.class).hasMessageContaining("abfs");
    }

    @Test
    void endpointOptionIsParsed() {
        AzureStoreConfig config = AzureStoreConfig.fromOptions(Map.of("azure.endpoint", "http://127.0.0.1:10000/devstoreaccount1/"));

        assertThat(config.endpoint()).contains(URI.create("http://127.0.0.1:10000/devstoreaccount1"));
        assertThat(config.syncCopyMaxBytes()).isEqualTo(AzureStoreConfig.SYNC_COPY_LIMIT);
        assertThat(AzureStoreConfig.fromOptions(Map.of())).isEqualTo(AzureStoreConfig.defaults());
    }

    @Test
    void malformedEndpointsAreRejectedWithoutEchoingAQuery() {
        assertThatThrownBy(() -> AzureStoreConfig.fromOptions(Map.of("azure.endpoint", "localhost:10000")))
                .isInstanceOf(InvalidStoreConfigurationException.class).hasMessageContaining("http or https");
        assertThatThrownBy(() -> AzureStoreConfig.fromOptions(Map.of("azure.endpoint", "ftp://host/x")))
                .isInstanceOf(InvalidStoreConfigurationException.class);
        assertThatThrownBy(() -> AzureStoreConfig.fromOptions(Map.of("azure.endpoint", "https://acct.blob.core.windows.net?sig=SECRET")))
                .isInstanceOf(InvalidStoreConfigurationException.class)
                .hasMessageContaining("AZURE_STORAGE_SAS_TOKEN").hasMessageNotContaining("SECRET");
    }

    @Test
    void unknownKeysAreRejected() {
        assertThatThrownBy(() -> AzureStoreConfig.fromOptions(Map.of("azure.endpiont", "http://x")))
                .isInstanceOf(InvalidStoreConfigurationException.class)
                .hasMessageContaining("azure.endpiont").hasMessageContaining("azure.endpoint");
        assertThatThrownBy(() -> new AzureCheckpointStoreProvider().open(Map.of("azure.account-key", "k"), Map.of()))
                .isInstanceOf(InvalidStoreConfigurationException.class);
    }

    @Test
    void syncCopyLimitIsBounded() {
        assertThat(AzureStoreConfig.fromOptions(Map.of("azure.sync-copy-max-bytes", "1024")).syncCopyMaxBytes()).isEqualTo(1024);
        assertThatThrownBy(() -> AzureStoreConfig.fromOptions(Map.of("azure.sync-copy-max-bytes", "0")))
                .isInstanceOf(InvalidStoreConfigurationException.class);
        assertThatThrownBy(() -> AzureStoreConfig.fromOptions(Map.of("azure.sync-copy-max-bytes", String.valueOf(257L * 1024 * 1024))))
                .isInstanceOf(InvalidStoreConfigurationException.class).hasMessageContaining("256 MiB");
        assertThatThrownBy(() -> AzureStoreConfig.fromOptions(Map.of("azure.sync-copy-max-bytes", "4MiB")))
                .isInstanceOf(InvalidStoreConfigurationException.class);
        assertThatThrownBy(() -> new AzureStoreConfig(Optional.empty(), -1)).isInstanceOf(InvalidStoreConfigurationException.class);
    }

    @Test
    void credentialsComeFromTheEnvironmentInOrderAndAreNeverShown() {
        String connectionString = "DefaultEndpointsProtocol=https;AccountName=a;AccountKey=S3CR3TKEY==;EndpointSuffix=core.windows.net";
        AzureCredentials all = AzureCredentials.fromEnvironment(Map.of(AzureCredentials.CONNECTION_STRING, connectionString,
                AzureCredentials.SAS_TOKEN, "sv=1&sig=S3CR3TSIG", AzureCredentials.ACCOUNT_KEY, "S3CR3TKEY=="));
        AzureCredentials sas = AzureCredentials.fromEnvironment(Map.of(AzureCredentials.SAS_TOKEN, "?sv=1&sig=S3CR3TSIG",
                AzureCredentials.ACCOUNT_KEY, "S3CR3TKEY=="));
        AzureCredentials key = AzureCredentials.fromEnvironment(Map.of(AzureCredentials.ACCOUNT_KEY, "S3CR3TKEY==",
                AzureCredentials.CONNECTION_STRING, "  "));
        AzureCredentials none = AzureCredentials.fromEnvironment(Map.of());

        assertThat(all.source()).isEqualTo(AzureCredentials.Source.CONNECTION_STRING);
        assertThat(all.isSharedKey()).isTrue();
        assertThat(all.connectionStringNamesEndpoint()).isFalse();
        assertThat(sas.source()).isEqualTo(AzureCredentials.Source.SAS_TOKEN);
        assertThat(sas.sasToken()).contains("sv=1&sig=S3CR3TSIG");
        assertThat(sas.isSharedKey()).isFalse();
        assertThat(key.source()).isEqualTo(AzureCredentials.Source.ACCOUNT_KEY);
        assertThat(none.source()).isEqualTo(AzureCredentials.Source.DEFAULT_CHAIN);
        for (AzureCredentials credentials : new AzureCredentials[] {all, sas, key, none}) {
            assertThat(credentials.toString()).doesNotContain("S3CR3T");
        }
    }

    @Test
    void aConnectionStringWithASignatureIsASasAndOneWithNeitherIsRejectedUnshown() {
        AzureCredentials sas = AzureCredentials.fromEnvironment(Map.of(AzureCredentials.CONNECTION_STRING,
                "BlobEndpoint=https://a.blob.core.windows.net;SharedAccessSignature=sv=1&sig=S3CR3T"));
        assertThat(sas.sasToken()).contains("sv=1&sig=S3CR3T");
        assertThat(sas.isSharedKey()).isFalse();
        assertThat(sas.connectionStringNamesEndpoint()).isTrue();

        AzureCredentials neither = AzureCredentials.fromEnvironment(Map.of(AzureCredentials.CONNECTION_STRING, "AccountName=a;Foo=S3CR3T"));
        assertThatThrownBy(neither::check).isInstanceOf(InvalidStoreConfigurationException.class)
                .hasMessageContaining(AzureCredentials.CONNECTION_STRING).hasMessageNotContaining("S3CR3T");

        AzureCredentials notBase64 = AzureCredentials.fromEnvironment(Map.of(AzureCredentials.CONNECTION_STRING, "AccountName=a;AccountKey=S3CR3T!"));
        assertThatThrownBy(notBase64::check).isInstanceOf(InvalidStoreConfigurationException.class)
                .hasMessageContaining("Base64").hasMessageNotContaining("S3CR3T");
        assertThatThrownBy(() -> new AzureCheckpointStoreProvider().open(Map.of(), Map.of(AzureCredentials.ACCOUNT_KEY, "S3CR3T!")))
                .isInstanceOf(InvalidStoreConfigurationException.class).hasMessageContaining(AzureCredentials.ACCOUNT_KEY)
                .hasMessageNotContaining("S3CR3T");
    }

    @Test
    void theSdkConfigurationReadsTheEnvironmentMapNotTheProcessEnvironment() {
        AzureCredentials credentials = AzureCredentials.fromEnvironment(Map.of("AZURE_CLIENT_ID", "client-from-the-map",
                "AZURE_TENANT_ID", "tenant-from-the-map", "AZURE_AUTHORITY_HOST", "https://login.from-the-map.example"));

        var configuration = credentials.sdkConfiguration();

        assertThat(credentials.source()).isEqualTo(AzureCredentials.Source.DEFAULT_CHAIN);
        assertThat(configuration.get("AZURE_CLIENT_ID")).isEqualTo("client-from-the-map");
        assertThat(configuration.get("AZURE_TENANT_ID")).isEqualTo("tenant-from-the-map");
        // Surefire gives the test JVM its own AZURE_AUTHORITY_HOST: the map's wins, and without one in the map none is seen.
        assertThat(System.getenv("AZURE_AUTHORITY_HOST")).isEqualTo("https://login.jvm-environment.example");
        assertThat(configuration.get("AZURE_AUTHORITY_HOST")).isEqualTo("https://login.from-the-map.example");
        assertThat(AzureCredentials.fromEnvironment(Map.of()).sdkConfiguration().get("AZURE_AUTHORITY_HOST")).isNull();
        assertThat(AzureCredentials.SDK_VARIABLES).contains("AZURE_CLIENT_SECRET", "HTTPS_PROXY", "IDENTITY_ENDPOINT");
    }

    @Test
    void theProviderIsFoundForEveryAzureScheme() {
        CheckpointStores stores = CheckpointStores.load();

        for (String scheme : new String[] {"abfs", "abfss", "wasb", "wasbs"}) {
            CheckpointStoreProvider provider = stores.provider(scheme);
            assertThat(provider).isInstanceOf(AzureCheckpointStoreProvider.class);
            assertThat(provider.name()).isEqualTo("azure");
        }
    }
}
