package dev.laststate.s3;

import static dev.laststate.tck.CheckpointTree.JOB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.laststate.flink.PromotionRequest;
import dev.laststate.flink.PromotionStatus;
import dev.laststate.flink.Promoter;
import dev.laststate.store.CheckpointStore;
import dev.laststate.store.InvalidStoreConfigurationException;
import dev.laststate.store.ObjectInfo;
import dev.laststate.store.StoreAccessDeniedException;
import dev.laststate.store.StoreException;
import dev.laststate.store.StoreUri;
import dev.laststate.store.WriteCondition;
import dev.laststate.tck.CheckpointTree;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * The store takes endpoint, region and credentials from the environment map it is opened with, never from the
 * process: the surefire configuration removes every AWS variable from this JVM's environment (checked below),
 * so a store that signs S3Proxy's checked signatures can only have its keys from the map.
 */
class S3EnvironmentTest {

    private static final String BUCKET = "laststate-env";
    private static final String NO_HOME = "/nonexistent-laststate-home";

    @RegisterExtension
    static final S3ProxyBucket S3 = new S3ProxyBucket(BUCKET);

    @Test
    void thisJvmHasNoAwsSettingsOfItsOwn() {
        assertThat(System.getenv().keySet()).as("surefire's excludedEnvironmentVariables")
                .doesNotContain("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_REGION",
                        "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN");
    }

    @Test
    void credentialsEndpointAndRegionOnlyFromTheMapPromoteAndList() throws Exception {
        Map<String, String> environment = Map.of(
                "AWS_ENDPOINT_URL_S3", S3.endpoint().toString(),
                "AWS_REGION", "us-east-1",
                "AWS_ACCESS_KEY_ID", S3ProxyServer.ACCESS_KEY,
                "AWS_SECRET_ACCESS_KEY", S3ProxyServer.SECRET_KEY,
                "HOME", NO_HOME);
        StoreUri checkpoints = StoreUri.parse("s3://" + BUCKET + "/from-the-map");

        try (CheckpointStore store = new S3CheckpointStoreProvider().open(Map.of(), environment)) {
            CheckpointTree tree = new CheckpointTree(store, checkpoints);
            tree.checkpoint(JOB, 7, 3);

            assertThat(new Promoter(store).promote(PromotionRequest.of(checkpoints, JOB)).status()).isEqualTo(PromotionStatus.PROMOTED);
            assertThat(store.list(checkpoints.resolve("last-state")).objects()).extracting(ObjectInfo::name).contains("_metadata");
        }
    }

    @Test
    void aWrongSecretInTheMapIsAccessDeniedAndNeverPrinted() throws Exception {
        String wrongSecret = "not-the-secret-0123456789";
        StoreUri object = StoreUri.parse("s3://" + BUCKET + "/wrong-secret/object");
        try (CheckpointStore store = new S3CheckpointStoreProvider().open(Map.of(S3StoreConfig.ENDPOINT, S3.endpoint().toString()),
                Map.of("AWS_REGION", "us-east-1", "AWS_ACCESS_KEY_ID", S3ProxyServer.ACCESS_KEY,
                        "AWS_SECRET_ACCESS_KEY", wrongSecret, "HOME", NO_HOME))) {
            assertThatThrownBy(() -> store.write(object, new byte[1], WriteCondition.overwrite()))
                    .isInstanceOfSatisfying(StoreAccessDeniedException.class, e -> {
                        assertThat(e.uri()).isEqualTo(object);
                        assertThat(printed(e)).doesNotContain(wrongSecret).doesNotContain(S3ProxyServer.SECRET_KEY);
                    });
            assertThatThrownBy(() -> store.list(object.parent().orElseThrow())).isInstanceOf(StoreAccessDeniedException.class);
        }
    }

    @Test
    void theProfileTheMapNamesIsReadFromTheFilesTheMapNames(@TempDir Path dir) throws Exception {
        Path credentials = Files.writeString(dir.resolve("credentials"), "[default]\naws_access_key_id = wrong\n"
                + "aws_secret_access_key = wrong\n\n[laststate]\naws_access_key_id = " + S3ProxyServer.ACCESS_KEY
                + "\naws_secret_access_key = " + S3ProxyServer.SECRET_KEY + "\n");
        Path config = Files.writeString(dir.resolve("config"), "[profile laststate]\nregion = us-east-1\n");
        Map<String, String> environment = Map.of("AWS_ENDPOINT_URL", S3.endpoint().toString(),
                "AWS_SHARED_CREDENTIALS_FILE", credentials.toString(), "AWS_CONFIG_FILE", config.toString(),
                "AWS_PROFILE", "laststate", "HOME", NO_HOME);
        StoreUri object = StoreUri.parse("s3://" + BUCKET + "/profile/object");

        try (CheckpointStore store = new S3CheckpointStoreProvider().open(Map.of(), environment)) {
            store.write(object, new byte[] {1}, WriteCondition.overwrite());
            assertThat(store.list(object.parent().orElseThrow()).objects()).extracting(ObjectInfo::uri).containsExactly(object);
        }
        try (CheckpointStore store = new S3CheckpointStoreProvider().open(Map.of(), Map.of("AWS_ENDPOINT_URL", S3.endpoint().toString(),
                "AWS_SHARED_CREDENTIALS_FILE", credentials.toString(), "AWS_REGION", "us-east-1", "HOME", NO_HOME))) {
            assertThatThrownBy(() -> store.stat(object)).as("the default profile's wrong keys").isInstanceOf(StoreAccessDeniedException.class);
        }
    }

    @Test
    void webIdentityFromTheMapAsksStsWithTheTokenAndRoleOfTheMap(@TempDir Path dir) throws Exception {
        Path token = Files.writeString(dir.resolve("token"), "header.payload.signature");
        ConcurrentLinkedQueue<String> stsRequests = new ConcurrentLinkedQueue<>();
        HttpServer sts = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        sts.createContext("/", exchange -> {
            String form = URLDecoder.decode(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8),
                    StandardCharsets.UTF_8);
            stsRequests.add(form);
            byte[] answer = ("<AssumeRoleWithWebIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
                    + "<AssumeRoleWithWebIdentityResult><Credentials>"
                    + "<AccessKeyId>" + S3ProxyServer.ACCESS_KEY + "</AccessKeyId>"
                    + "<SecretAccessKey>" + S3ProxyServer.SECRET_KEY + "</SecretAccessKey>"
                    + "<SessionToken>session-token-of-the-test</SessionToken>"
                    + "<Expiration>" + Instant.now().plusSeconds(3600) + "</Expiration>"
                    + "</Credentials></AssumeRoleWithWebIdentityResult>"
                    + "<ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></AssumeRoleWithWebIdentityResponse>")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/xml");
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        sts.start();
        ConcurrentLinkedQueue<String> signed = new ConcurrentLinkedQueue<>();
        // S3Proxy 4.1 refuses requests with a session token (501 NotImplemented), so the S3 request is looked at
        // and stopped before it is sent: signed with the key STS answered, carrying its session token.
        ExecutionInterceptor stopBeforeSending = new ExecutionInterceptor() {
            @Override
            public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
                signed.add(context.httpRequest().firstMatchingHeader("Authorization").orElse("") + " token="
                        + context.httpRequest().firstMatchingHeader("X-Amz-Security-Token").orElse(""));
                throw new IllegalStateException("not sent: S3Proxy does not take session tokens");
            }
        };
        try {
            Map<String, String> environment = Map.of(
                    "AWS_ENDPOINT_URL_S3", S3.endpoint().toString(),
                    "AWS_ENDPOINT_URL_STS", "http://127.0.0.1:" + sts.getAddress().getPort(),
                    "AWS_REGION", "us-east-1",
                    "AWS_WEB_IDENTITY_TOKEN_FILE", token.toString(),
                    "AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/laststate",
                    "AWS_ROLE_SESSION_NAME", "laststate-test",
                    "HOME", NO_HOME);
            StoreUri object = StoreUri.parse("s3://" + BUCKET + "/web-identity/object");
            try (CheckpointStore store = new S3CheckpointStoreProvider().open(Map.of(), environment, List.of(stopBeforeSending))) {
                assertThatThrownBy(() -> store.stat(object)).isInstanceOfSatisfying(StoreException.class,
                        e -> assertThat(e.uri()).isEqualTo(object));
            }
            assertThat(stsRequests).isNotEmpty().allSatisfy(form -> assertThat(form)
                    .contains("Action=AssumeRoleWithWebIdentity", "WebIdentityToken=header.payload.signature",
                            "RoleArn=arn:aws:iam::123456789012:role/laststate", "RoleSessionName=laststate-test"));
            assertThat(signed).as("S3 requests signed with what STS answered").isNotEmpty().allSatisfy(sent -> assertThat(sent)
                    .contains("Credential=" + S3ProxyServer.ACCESS_KEY + "/").endsWith("token=session-token-of-the-test"));
        } finally {
            sts.stop(0);
        }
    }

    @Test
    void withoutAnEndpointInTheMapRequestsGoToAws() throws Exception {
        ConcurrentLinkedQueue<String> hosts = new ConcurrentLinkedQueue<>();
        ExecutionInterceptor stopBeforeSending = new ExecutionInterceptor() {
            @Override
            public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
                hosts.add(context.httpRequest().host());
                throw new IllegalStateException("not sent: this test only looks where the request would go");
            }
        };
        try (CheckpointStore store = new S3CheckpointStoreProvider().open(Map.of(), Map.of("AWS_REGION", "eu-west-1",
                "AWS_ACCESS_KEY_ID", "id", "AWS_SECRET_ACCESS_KEY", "secret", "HOME", NO_HOME), List.of(stopBeforeSending))) {
            assertThatThrownBy(() -> store.stat(StoreUri.parse("s3://some-bucket/key"))).isInstanceOf(StoreException.class);
        }
        assertThat(hosts).isNotEmpty().allSatisfy(host -> assertThat(host).isEqualTo("some-bucket.s3.eu-west-1.amazonaws.com"));
    }

    @Test
    void halfAKeyPairOrAWebIdentityWithoutRoleIsAConfigurationError() {
        for (Map<String, String> half : List.of(Map.of("AWS_ACCESS_KEY_ID", "id"), Map.of("AWS_SECRET_ACCESS_KEY", "secret-value-x"),
                Map.of("AWS_WEB_IDENTITY_TOKEN_FILE", "/var/run/token"), Map.of("AWS_RETRY_MODE", "sometimes"),
                Map.of("AWS_MAX_ATTEMPTS", "0"))) {
            assertThatThrownBy(() -> new S3CheckpointStoreProvider().open(Map.of(S3StoreConfig.REGION, "us-east-1"), half))
                    .as("%s", half.keySet()).isInstanceOf(InvalidStoreConfigurationException.class)
                    .hasMessageNotContaining("secret-value-x");
        }
    }

    private static String printed(Throwable e) {
        StringWriter text = new StringWriter();
        e.printStackTrace(new PrintWriter(text));
        return text.toString();
    }
}
