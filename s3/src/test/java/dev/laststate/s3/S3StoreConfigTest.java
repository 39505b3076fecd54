package dev.laststate.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.laststate.store.CheckpointStoreProvider;
import dev.laststate.store.CheckpointStores;
import dev.laststate.store.InvalidStoreConfigurationException;
import dev.laststate.store.StoreUri;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Parsing {@code s3.*} options and the AWS environment into {@link S3StoreConfig}; no server needed. */
class S3StoreConfigTest {

    @Test
    void defaultsWithoutOptionsOrEnvironment() {
        S3StoreConfig config = S3StoreConfig.fromOptions(Map.of(), Map.of());

        assertThat(config.endpoint()).isEmpty();
        assertThat(config.region()).isEmpty();
        assertThat(config.pathStyle()).as("virtual-hosted style on AWS").isFalse();
        assertThat(config.maxConcurrency()).isEqualTo(S3StoreConfig.DEFAULT_MAX_CONCURRENCY);
        assertThat(config.multipartCopyThreshold()).isEqualTo(5L * 1024 * 1024 * 1024);
    }

    @Test
    void anEndpointMakesPathStyleTheDefault() {
        S3StoreConfig config = S3StoreConfig.fromOptions(Map.of("s3.endpoint", "http://127.0.0.1:9000"), Map.of());

        assertThat(config.endpoint()).contains(URI.create("http://127.0.0.1:9000"));
        assertThat(config.pathStyle()).isTrue();
        assertThat(S3StoreConfig.fromOptions(Map.of("s3.endpoint", "http://minio:9000", "s3.path-style", "false"), Map.of())
                .pathStyle()).isFalse();
        assertThat(S3StoreConfig.fromOptions(Map.of("s3.path-style", "true"), Map.of()).pathStyle()).isTrue();
    }

    @Test
    void theEndpointComesFromTheStandardEnvironmentWhenNotGiven() {
        Map<String, String> both = Map.of("AWS_ENDPOINT_URL_S3", "http://s3-only:9000", "AWS_ENDPOINT_URL", "http://all:9000");

        assertThat(S3StoreConfig.fromOptions(Map.of(), both).endpoint()).contains(URI.create("http://s3-only:9000"));
        assertThat(S3StoreConfig.fromOptions(Map.of(), both).pathStyle()).isTrue();
        assertThat(S3StoreConfig.fromOptions(Map.of(), Map.of("AWS_ENDPOINT_URL", "http://all:9000")).endpoint())
                .contains(URI.create("http://all:9000"));
        assertThat(S3StoreConfig.fromOptions(Map.of("s3.endpoint", "http://option:9000"), both).endpoint())
                .as("an option wins over the environment").contains(URI.create("http://option:9000"));
        assertThat(S3StoreConfig.fromOptions(Map.of(), Map.of("AWS_ENDPOINT_URL_S3", " ")).endpoint()).isEmpty();
    }

    @Test
    void theRegionComesFromTheStandardEnvironmentWhenNotGiven() {
        Map<String, String> both = Map.of("AWS_REGION", "eu-west-1", "AWS_DEFAULT_REGION", "us-west-2");

        assertThat(S3StoreConfig.fromOptions(Map.of(), both).region()).contains("eu-west-1");
        assertThat(S3StoreConfig.fromOptions(Map.of(), Map.of("AWS_DEFAULT_REGION", "us-west-2")).region()).contains("us-west-2");
        assertThat(S3StoreConfig.fromOptions(Map.of("s3.region", "ap-south-1"), both).region())
                .as("an option wins over the environment").contains("ap-south-1");
        assertThatThrownBy(() -> S3StoreConfig.fromOptions(Map.of(), Map.of("AWS_REGION", "Not A Region")))
                .isInstanceOf(InvalidStoreConfigurationException.class).hasMessageContaining("AWS_REGION");
    }

    @Test
    void valuesAreParsed() {
        S3StoreConfig config = S3StoreConfig.fromOptions(Map.of("s3.region", "eu-west-1", "s3.max-concurrency", "16",
                "s3.multipart-copy-threshold", "64MiB"), Map.of());

        assertThat(config.region()).isEqualTo(Optional.of("eu-west-1"));
        assertThat(config.maxConcurrency()).isEqualTo(16);
        assertThat(config.multipartCopyThreshold()).isEqualTo(64L * 1024 * 1024);
        assertThat(S3StoreConfig.fromOptions(Map.of("s3.multipart-copy-threshold", "5GiB"), Map.of()).multipartCopyThreshold())
                .isEqualTo(S3StoreConfig.MAX_SINGLE_COPY);
        assertThat(S3StoreConfig.fromOptions(Map.of("s3.multipart-copy-threshold", "10485760"), Map.of()).multipartCopyThreshold())
                .isEqualTo(10L * 1024 * 1024);
    }

    @Test
    void unknownKeysAreRejectedNamingThem() {
        assertThatThrownBy(() -> S3StoreConfig.fromOptions(Map.of("s3.endpoint", "http://x:1", "s3.secret-key", "x"), Map.of()))
                .isInstanceOf(InvalidStoreConfigurationException.class)
                .hasMessageContaining("s3.secret-key").hasMessageContaining("s3.endpoint");
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({
            "s3.endpoint, 127.0.0.1:9000",
            "s3.endpoint, ftp://host/",
            "s3.endpoint, http://user:secret@host:9000",
            "s3.region, EU West",
            "s3.path-style, yes",
            "s3.max-concurrency, 0",
            "s3.max-concurrency, many",
            "s3.multipart-copy-threshold, 1MiB",
            "s3.multipart-copy-threshold, 6GiB",
            "s3.multipart-copy-threshold, big"})
    void malformedValuesAreRejected(String key, String value) {
        assertThatThrownBy(() -> S3StoreConfig.fromOptions(Map.of(key, value), Map.of()))
                .isInstanceOf(InvalidStoreConfigurationException.class)
                .hasMessageNotContaining("secret");
    }

    @Test
    void aMalformedEndpointInTheEnvironmentIsRejectedNamingTheVariable() {
        assertThatThrownBy(() -> S3StoreConfig.fromOptions(Map.of(), Map.of("AWS_ENDPOINT_URL_S3", "not a url")))
                .isInstanceOf(InvalidStoreConfigurationException.class).hasMessageContaining("AWS_ENDPOINT_URL_S3");
    }

    @Test
    void theProviderServesS3AndS3aThroughTheRegistry() throws Exception {
        CheckpointStores stores = CheckpointStores.load();
        CheckpointStoreProvider provider = stores.provider("s3");

        assertThat(provider).isInstanceOf(S3CheckpointStoreProvider.class);
        assertThat(stores.provider("s3a")).isSameAs(provider);
        assertThat(provider.name()).isEqualTo("s3");
        assertThat(provider.schemes()).containsExactlyInAnyOrder("s3", "s3a");
        assertThatThrownBy(() -> stores.open(StoreUri.parse("s3a://bucket/app"), Map.of("s3.no-such-key", "1"), Map.of()))
                .isInstanceOf(InvalidStoreConfigurationException.class).hasMessageContaining("s3.no-such-key");
        try (var store = stores.open(StoreUri.parse("s3://bucket/app"),
                Map.of("s3.endpoint", "http://127.0.0.1:9", "s3.region", "us-east-1"), Map.of())) {
            assertThat(store.schemes()).containsExactlyInAnyOrder("s3", "s3a");
        }
    }
}
