package dev.laststate.gcs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.laststate.store.InvalidStoreConfigurationException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class GcsStoreConfigTest {

    @Test
    void noOptionsMeansGoogleItselfWithDefaultCredentials() {
        GcsStoreConfig config = GcsStoreConfig.fromOptions(Map.of(), Map.of());

        assertThat(config).isEqualTo(new GcsStoreConfig(Optional.empty(), Optional.empty(), false));
    }

    @Test
    void endpointAndProjectAreRead() {
        GcsStoreConfig config = GcsStoreConfig.fromOptions(Map.of("gcs.endpoint", "https://storage.example.internal", "gcs.project", "my-project-1"),
                Map.of());

        assertThat(config.endpoint()).contains(URI.create("https://storage.example.internal"));
        assertThat(config.project()).contains("my-project-1");
        assertThat(config.emulator()).isFalse();
    }

    @Test
    void theProjectAndTheKeyFileComeFromTheEnvironmentGivenAndTheOptionWins() {
        Map<String, String> environment = Map.of("GOOGLE_CLOUD_PROJECT", "env-project", "GOOGLE_APPLICATION_CREDENTIALS", "/keys/sa.json");

        GcsStoreConfig fromEnvironment = GcsStoreConfig.fromOptions(Map.of(), environment);
        assertThat(fromEnvironment.project()).contains("env-project");
        assertThat(fromEnvironment.credentialsFile()).contains(Path.of("/keys/sa.json"));
        assertThat(GcsStoreConfig.fromOptions(Map.of("gcs.project", "option-project"), environment).project()).contains("option-project");
        assertThatThrownBy(() -> GcsStoreConfig.fromOptions(Map.of(), Map.of("GOOGLE_CLOUD_PROJECT", "Not A Project")))
                .isInstanceOf(InvalidStoreConfigurationException.class).hasMessageContaining("GOOGLE_CLOUD_PROJECT");
    }

    @Test
    void theEmulatorHostFromTheEnvironmentIsUsedWithoutCredentials() {
        GcsStoreConfig config = GcsStoreConfig.fromOptions(Map.of(), Map.of("STORAGE_EMULATOR_HOST", "localhost:4443"));

        assertThat(config.endpoint()).contains(URI.create("http://localhost:4443"));
        assertThat(config.emulator()).isTrue();
        assertThat(GcsStoreConfig.fromOptions(Map.of(), Map.of("STORAGE_EMULATOR_HOST", "http://127.0.0.1:9023")).endpoint())
                .contains(URI.create("http://127.0.0.1:9023"));
    }

    @Test
    void anExplicitEndpointWinsOverTheEmulatorHost() {
        GcsStoreConfig config = GcsStoreConfig.fromOptions(Map.of("gcs.endpoint", "https://storage.example.internal"),
                Map.of("STORAGE_EMULATOR_HOST", "localhost:4443"));

        assertThat(config.endpoint()).contains(URI.create("https://storage.example.internal"));
        assertThat(config.emulator()).isFalse();
    }

    @Test
    void unknownKeysAreRejectedNamingTheKnownOnes() {
        assertThatThrownBy(() -> GcsStoreConfig.fromOptions(Map.of("gcs.endpiont", "https://x"), Map.of()))
                .isInstanceOf(InvalidStoreConfigurationException.class)
                .hasMessageContaining("gcs.endpiont").hasMessageContaining("gcs.endpoint, gcs.project");
        assertThatThrownBy(() -> GcsStoreConfig.fromOptions(Map.of("gcs.credentials", "/key.json"), Map.of()))
                .isInstanceOf(InvalidStoreConfigurationException.class);
    }

    @Test
    void malformedValuesAreRejected() {
        assertThatThrownBy(() -> GcsStoreConfig.fromOptions(Map.of("gcs.endpoint", "storage.example.internal"), Map.of()))
                .isInstanceOf(InvalidStoreConfigurationException.class).hasMessageContaining("http(s) URL");
        assertThatThrownBy(() -> GcsStoreConfig.fromOptions(Map.of("gcs.endpoint", "ftp://storage.example.internal"), Map.of()))
                .isInstanceOf(InvalidStoreConfigurationException.class);
        assertThatThrownBy(() -> GcsStoreConfig.fromOptions(Map.of("gcs.endpoint", "https://user:secret@storage.example.internal"), Map.of()))
                .isInstanceOf(InvalidStoreConfigurationException.class).message().doesNotContain("secret");
        assertThatThrownBy(() -> GcsStoreConfig.fromOptions(Map.of("gcs.project", "Not A Project"), Map.of()))
                .isInstanceOf(InvalidStoreConfigurationException.class).hasMessageContaining("gcs.project");
    }
}
