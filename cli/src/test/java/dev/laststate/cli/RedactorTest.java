package dev.laststate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RedactorTest {

    @Test
    void masksValuesOfSecretLookingKeysHoweverSpelled() {
        Redactor redactor = Redactor.fromArguments(new String[] {
            "promote", "-o", "s3.secret-key=alpha", "-os3.session-token=beta", "--option=azure.password=gamma",
            "--option", "hdfs.credentials=delta", "-o", "s3.endpoint=http://public:9000"});

        assertThat(redactor.redact("alpha beta gamma delta http://public:9000"))
                .isEqualTo("**** **** **** **** http://public:9000");
    }

    @ParameterizedTest
    @ValueSource(strings = {"s3.SECRET-access", "gcs.api-key", "azure.connection-string"})
    void keysThatLookSecretAreSensitive(String key) {
        assertThat(Redactor.isSensitive(key)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"s3.endpoint", "s3.region"})
    void otherKeysAreNotSensitive(String key) {
        assertThat(Redactor.isSensitive(key)).isFalse();
    }
}
