package dev.laststate.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobHttpHeaders;
import com.azure.storage.blob.options.BlockBlobSimpleUploadOptions;
import com.azure.storage.common.sas.AccountSasPermission;
import com.azure.storage.common.sas.AccountSasResourceType;
import com.azure.storage.common.sas.AccountSasService;
import com.azure.storage.common.sas.AccountSasSignatureValues;
import dev.laststate.store.CheckpointStore;
import dev.laststate.store.CheckpointStores;
import dev.laststate.store.ContainerNotFoundException;
import dev.laststate.store.Listing;
import dev.laststate.store.ObjectInfo;
import dev.laststate.store.StoreAccessDeniedException;
import dev.laststate.store.StoreNotFoundException;
import dev.laststate.store.StoreUri;
import dev.laststate.store.WriteCondition;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What the TCK does not cover, on one Azurite: the other credential sources, typed errors for a missing
 * container and a wrong key, which copy API a size takes, and directory entries of a hierarchical namespace.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AzuriteStoreTest {

    private static final String CONTAINER = "store-test";
    private static final String BASE = "abfss://" + CONTAINER + "@" + Azurite.ACCOUNT + ".dfs.core.windows.net/";

    private Azurite azurite;
    private BlobServiceClient admin;

    @BeforeAll
    void start() throws Exception {
        azurite = Azurite.start();
        admin = new BlobServiceClientBuilder().connectionString(azurite.connectionString()).buildClient();
        admin.createBlobContainer(CONTAINER);
    }

    @AfterAll
    void stop() {
        if (azurite != null) {
            azurite.close();
        }
    }

    private CheckpointStore open(Map<String, String> environment, Map<String, String> options) {
        return new AzureCheckpointStoreProvider().open(options, environment);
    }

    private Map<String, String> endpointOption() {
        return Map.of(AzureStoreConfig.ENDPOINT, azurite.endpoint());
    }

    @Test
    void connectionStringWithItsOwnEndpointIsAllItTakes() throws Exception {
        try (CheckpointStore store = open(azurite.environment(), Map.of())) {
            StoreUri uri = StoreUri.parse(BASE + "conn/object");
            ObjectInfo written = store.write(uri, bytes("conn"), WriteCondition.ifAbsent());

            assertThat(store.stat(uri)).contains(written);
            assertThat(admin.getBlobContainerClient(CONTAINER).getBlobClient("conn/object").downloadContent().toString()).isEqualTo("conn");
        }
    }

    @Test
    void wasbsAndAbfssLocationsReachTheSameBlobs() throws Exception {
        try (CheckpointStore store = open(azurite.environment(), endpointOption())) {
            store.write(StoreUri.parse(BASE + "both/object"), bytes("both"), WriteCondition.overwrite());

            StoreUri wasbs = StoreUri.parse("wasbs://" + CONTAINER + "@" + Azurite.ACCOUNT + ".blob.core.windows.net/both/object");
            assertThat(store.read(wasbs).bytes()).isEqualTo(bytes("both"));
            assertThat(store.read(wasbs).info().uri()).isEqualTo(wasbs);
        }
    }

    @Test
    void accountKeyFromTheEnvironmentSignsRequestsAndCopies() throws Exception {
        try (CheckpointStore store = open(Map.of(AzureCredentials.ACCOUNT_KEY, Azurite.KEY), endpointOption())) {
            roundTripWithBothCopies(store, "key");
        }
    }

    @Test
    void sasTokenFromTheEnvironmentAuthorizesRequestsAndCopySources() throws Exception {
        String sas = admin.generateAccountSas(new AccountSasSignatureValues(OffsetDateTime.now().plusHours(1),
                AccountSasPermission.parse("rwdlc"), new AccountSasService().setBlobAccess(true),
                new AccountSasResourceType().setContainer(true).setObject(true)));
        try (CheckpointStore store = open(Map.of(AzureCredentials.SAS_TOKEN, sas), endpointOption())) {
            roundTripWithBothCopies(store, "sas");
        }
    }

    private void roundTripWithBothCopies(CheckpointStore store, String directory) throws Exception {
        StoreUri small = StoreUri.parse(BASE + directory + "/small");
        StoreUri large = StoreUri.parse(BASE + directory + "/large");
        byte[] largeBytes = randomBytes(2 * 1024 * 1024);
        ObjectInfo smallSource = store.write(small, bytes("small"), WriteCondition.ifAbsent());
        ObjectInfo largeSource = store.write(large, largeBytes, WriteCondition.overwrite());

        assertThat(store.copy(smallSource, StoreUri.parse(BASE + directory + "/copies/small")).size()).isEqualTo(5);
        assertThat(store.read(StoreUri.parse(BASE + directory + "/copies/small")).bytes()).isEqualTo(bytes("small"));
        assertThat(store.copy(largeSource, StoreUri.parse(BASE + directory + "/copies/large")).size()).isEqualTo(largeBytes.length);
        assertThat(store.read(StoreUri.parse(BASE + directory + "/copies/large")).bytes()).isEqualTo(largeBytes);
        Listing listing = store.list(StoreUri.parse(BASE + directory));
        assertThat(listing.directories()).containsExactly("copies");
        assertThat(listing.objects()).extracting(ObjectInfo::name).containsExactly("large", "small");
    }

    @Test
    void copiesUpToTheLimitAreSynchronousAndLargerOnesArePolled() throws Exception {
        RecordingHttpClient http = new RecordingHttpClient();
        AzureStoreConfig config = new AzureStoreConfig(Optional.of(URI.create(azurite.endpoint())), 1024);
        try (CheckpointStore store = new AzureCheckpointStore(config, AzureCredentials.fromEnvironment(azurite.environment()), http,
                AzureCheckpointStore.LIST_PAGE_SIZE)) {
            StoreUri atLimit = StoreUri.parse(BASE + "copy-paths/at-limit");
            StoreUri aboveLimit = StoreUri.parse(BASE + "copy-paths/above-limit");
            byte[] atLimitBytes = randomBytes(1024);
            byte[] aboveLimitBytes = randomBytes(1025);
            ObjectInfo atLimitSource = store.write(atLimit, atLimitBytes, WriteCondition.overwrite());
            ObjectInfo aboveLimitSource = store.write(aboveLimit, aboveLimitBytes, WriteCondition.overwrite());

            http.clear();
            store.copy(atLimitSource, StoreUri.parse(BASE + "copy-paths/copies/at-limit"));
            assertThat(http.headerValues("x-ms-copy-source")).hasSize(1);
            assertThat(http.headerValues("x-ms-requires-sync")).as("Copy Blob From URL").containsExactly("true");
            // Azurite reads the source without authorization too; Azure needs it readable by itself: a SAS.
            String source = http.headerValues("x-ms-copy-source").get(0);
            assertThat(source).contains("sig=").contains("sp=r");
            assertThat(anonymousGet(source).body()).isEqualTo(atLimitBytes);
            assertThat(anonymousGet(source.substring(0, source.indexOf('?'))).statusCode()).isNotEqualTo(200);

            http.clear();
            ObjectInfo copied = store.copy(aboveLimitSource, StoreUri.parse(BASE + "copy-paths/copies/above-limit"));
            assertThat(http.headerValues("x-ms-copy-source")).hasSize(1);
            assertThat(http.headerValues("x-ms-requires-sync")).as("asynchronous Copy Blob").isEmpty();
            assertThat(copied.size()).isEqualTo(1025);
            assertThat(store.read(copied.uri()).bytes()).isEqualTo(aboveLimitBytes);
            assertThat(store.read(StoreUri.parse(BASE + "copy-paths/copies/at-limit")).bytes()).isEqualTo(atLimitBytes);
        }
    }

    @Test
    void listingReadsEveryPage() throws Exception {
        RecordingHttpClient http = new RecordingHttpClient();
        try (CheckpointStore store = new AzureCheckpointStore(AzureStoreConfig.fromOptions(endpointOption()),
                AzureCredentials.fromEnvironment(azurite.environment()), http, 5)) {
            for (int i = 0; i < 12; i++) {
                store.write(StoreUri.parse(BASE + "pages/object-" + i), bytes("o"), WriteCondition.overwrite());
            }
            for (String directory : new String[] {"a-dir", "object-5-dir", "z-dir"}) {
                store.write(StoreUri.parse(BASE + "pages/" + directory + "/inside"), bytes("i"), WriteCondition.overwrite());
            }
            http.clear();

            Listing listing = store.list(StoreUri.parse(BASE + "pages"));

            assertThat(http.headerValues("x-ms-version")).as("list requests, 5 names a page").hasSize(3);
            assertThat(listing.directories()).containsExactly("a-dir", "object-5-dir", "z-dir");
            assertThat(listing.objects()).hasSize(12).extracting(ObjectInfo::name).isSorted();
        }
    }

    @Test
    void aMissingContainerIsATypedErrorNamingIt() throws Exception {
        StoreUri inMissing = StoreUri.parse("abfss://no-such-container@" + Azurite.ACCOUNT + ".dfs.core.windows.net/flink/chk-1/_metadata");
        try (CheckpointStore store = open(azurite.environment(), endpointOption())) {
            assertThatThrownBy(() -> store.list(inMissing.parent().orElseThrow()))
                    .isInstanceOf(ContainerNotFoundException.class).hasMessageContaining("'no-such-container'");
            assertThatThrownBy(() -> store.write(inMissing, bytes("x"), WriteCondition.overwrite()))
                    .isInstanceOf(ContainerNotFoundException.class).hasMessageContaining("'no-such-container'")
                    .satisfies(e -> assertThat(((ContainerNotFoundException) e).uri()).isEqualTo(inMissing));
            assertThatThrownBy(() -> store.read(inMissing)).isInstanceOf(ContainerNotFoundException.class)
                    .hasMessageContaining("'no-such-container'");
            // Within the missing container: a copy to another container is refused before anything is sent.
            ObjectInfo listed = new ObjectInfo(inMissing, 1, Instant.EPOCH, "\"0x1\"");
            assertThatThrownBy(() -> store.copy(listed, inMissing.parent().orElseThrow().resolve("copy")))
                    .isInstanceOf(ContainerNotFoundException.class).hasMessageContaining("'no-such-container'");
        }
    }

    @Test
    void aWrongKeyIsAccessDeniedWithoutShowingTheKey() throws Exception {
        String wrongKey = Base64.getEncoder().encodeToString(randomBytes(64));
        try (CheckpointStore store = open(Map.of(AzureCredentials.CONNECTION_STRING, azurite.connectionString(wrongKey)), Map.of())) {
            StoreUri uri = StoreUri.parse(BASE + "denied/object");

            assertThatThrownBy(() -> store.list(uri.parent().orElseThrow()))
                    .isInstanceOf(StoreAccessDeniedException.class).hasMessageContaining("HTTP 403").hasMessageNotContaining(wrongKey);
            assertThatThrownBy(() -> store.write(uri, bytes("x"), WriteCondition.overwrite()))
                    .isInstanceOf(StoreAccessDeniedException.class).hasMessageContaining("Storage Blob Data Contributor");
            assertThatThrownBy(() -> store.stat(uri)).isInstanceOf(StoreAccessDeniedException.class);
        }
    }

    @Test
    void credentialsGivenOnlyInTheEnvironmentMapReachAzurite() throws Exception {
        assertThat(System.getenv()).as("the test JVM's own environment (surefire leaves these out)")
                .doesNotContainKeys(AzureCredentials.CONNECTION_STRING, AzureCredentials.SAS_TOKEN, AzureCredentials.ACCOUNT_KEY);
        CheckpointStores stores = CheckpointStores.load();
        StoreUri uri = StoreUri.parse(BASE + "from-map/object");

        try (CheckpointStore store = stores.open(uri, Map.of(), Map.of(AzureCredentials.CONNECTION_STRING, azurite.connectionString()))) {
            ObjectInfo written = store.write(uri, bytes("connection string"), WriteCondition.ifAbsent());
            assertThat(store.stat(uri)).contains(written);
        }
        try (CheckpointStore store = stores.open(uri, endpointOption(), Map.of(AzureCredentials.ACCOUNT_KEY, Azurite.KEY))) {
            assertThat(store.read(uri).bytes()).isEqualTo(bytes("connection string"));
            ObjectInfo listed = store.list(uri.parent().orElseThrow()).object("object").orElseThrow();
            assertThat(store.copy(listed, StoreUri.parse(BASE + "from-map/copy")).version()).isNotBlank();
        }
    }

    @Test
    void aWrongKeyInTheEnvironmentMapIsAccessDeniedAndNeverPrinted() throws Exception {
        String wrongKey = Base64.getEncoder().encodeToString(randomBytes(64));
        StoreUri uri = StoreUri.parse(BASE + "denied-map/object");
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream out = System.out;
        PrintStream err = System.err;
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(printed, true, StandardCharsets.UTF_8));
        List<Throwable> failures = new ArrayList<>();
        try (CheckpointStore store = new AzureCheckpointStoreProvider().open(endpointOption(), Map.of(AzureCredentials.ACCOUNT_KEY, wrongKey))) {
            for (ThrowingCallable call : List.<ThrowingCallable>of(() -> store.list(uri.parent().orElseThrow()), () -> store.stat(uri),
                    () -> store.read(uri), () -> store.write(uri, bytes("x"), WriteCondition.ifAbsent()), () -> store.delete(uri))) {
                failures.add(catchThrowable(call));
            }
        } finally {
            System.setOut(out);
            System.setErr(err);
        }

        assertThat(failures).hasSize(5).allSatisfy(failure -> {
            assertThat(failure).isInstanceOf(StoreAccessDeniedException.class).hasMessageContaining("HTTP 403");
            StringWriter trace = new StringWriter();
            failure.printStackTrace(new PrintWriter(trace));
            assertThat(trace.toString()).as("the failure, its causes and their messages").doesNotContain(wrongKey);
        });
        assertThat(printed.toString(StandardCharsets.UTF_8)).as("what the client printed").doesNotContain(wrongKey);
    }

    @Test
    void directoryEntriesOfAHierarchicalNamespaceAreNotObjects() throws Exception {
        // ADLS Gen2 answers the Blob API with a zero-length blob per directory, marked hdi_isfolder=true.
        var container = admin.getBlobContainerClient(CONTAINER);
        container.getBlobClient("hns/dir").getBlockBlobClient().uploadWithResponse(
                new BlockBlobSimpleUploadOptions(BinaryData.fromBytes(new byte[0]))
                        .setMetadata(Map.of("hdi_isfolder", "true")).setHeaders(new BlobHttpHeaders()), null, null);
        container.getBlobClient("hns/dir/file").upload(BinaryData.fromString("file"));
        try (CheckpointStore store = open(azurite.environment(), Map.of())) {
            Listing listing = store.list(StoreUri.parse(BASE + "hns"));

            assertThat(listing.directories()).containsExactly("dir");
            assertThat(listing.objects()).isEmpty();
            assertThat(store.stat(StoreUri.parse(BASE + "hns/dir"))).isEmpty();
            assertThatThrownBy(() -> store.read(StoreUri.parse(BASE + "hns/dir"))).isInstanceOf(StoreNotFoundException.class);
            assertThat(store.list(StoreUri.parse(BASE + "hns/dir")).objects()).extracting(ObjectInfo::name).containsExactly("file");
        }
    }

    private static HttpResponse<byte[]> anonymousGet(String url) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] randomBytes(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }
}
