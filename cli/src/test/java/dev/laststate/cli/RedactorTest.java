package dev.laststate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RedactorTest {

    @Test
    void masksValuesOfSecretLookingKeysHoweverSpelled() {
        Redactor redactor = Redactor.fromArguments(new String[] {
            "promote", "-o", "s3.secret-key=alpha", "-os3.session-token=beta", "--option=azure.password=gamma",
            "--option", "hdfs.credentials=delta", "-o", "s3.endpoint=http://public:9000"});

        assertThat(redactor.redact("alpha beta gamma delta http://public:9000"))
                .isEqualTo("**** **** **** **** http://public:9000");
    }

    @Test
    void knowsWhichKeysAreSecret() {
        assertThat(Redactor.isSensitive("s3.SECRET-access")).isTrue();
        assertThat(Redactor.isSensitive("gcs.api-key")).isTrue();
        assertThat(Redactor.isSensitive("azure.connection-string")).isTrue();
        assertThat(Redactor.isSensitive("s3.endpoint")).isFalse();
        assertThat(Redactor.isSensitive("s3.region")).isFalse();
    }
}
