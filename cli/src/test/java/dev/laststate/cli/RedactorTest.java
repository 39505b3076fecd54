package dev.laststate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RedactorTest {

    @Test
    void masksValuesOfSecretLookingKeysHoweverSpelled() {
        Redactor redactor = Redactor.of(new String[] {
            "promote", "-o", "s3.secret-key=alpha", "-os3.session-token=beta", "--option=azure.password=gamma",
            "--option", "hdfs.credentials=delta", "-o", "s3.endpoint=http://public:9000"}, Map.of());

        assertThat(redactor.redact("alpha beta gamma delta http://public:9000"))
                .isEqualTo("**** **** **** **** http://public:9000");
    }

    @Test
    void masksThePasswordOfEveryUriButKeepsTheUser() {
        Redactor redactor = Redactor.of(new String[0], Map.of());

        assertThat(redactor.redact("ftp://u:pa@ss@host/x, s3://k:s@bucket abfss://container@account.dfs.core.windows.net/x"))
                .isEqualTo("ftp://u:****@host/x, s3://k:****@bucket abfss://container@account.dfs.core.windows.net/x");
    }

    @Test
    void masksAUriPasswordOfTheArgumentsWhereverItIsPrinted() {
        Redactor redactor = Redactor.of(new String[] {"--store", "s3://user:p%40ssw0rd@bucket/x"}, Map.of());

        assertThat(redactor.redact("bucket 'user:p@ssw0rd@bucket' and p%40ssw0rd")).doesNotContain("ssw0rd");
    }

    @Test
    void masksSecretLookingVariablesTheirPartsAndTheBasicHeader() {
        Redactor redactor = Redactor.of(new String[0], Map.of(
                "AZURE_STORAGE_CONNECTION_STRING", "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=a2V5LWtleQ==;"
                        + "SharedAccessSignature=sv=2022&sig=c2lnbmF0dXJl",
                "LASTSTATE_JOBMANAGER_USER", "flink",
                "LASTSTATE_JOBMANAGER_PASSWORD", "jm-password",
                "SOME_FLAG", "true",
                "AWS_REGION", "eu-west-1"));

        assertThat(redactor.redact("key a2V5LWtleQ== sig c2lnbmF0dXJl, pw jm-password, header "
                + java.util.Base64.getEncoder().encodeToString("flink:jm-password".getBytes()) + " true eu-west-1"))
                .isEqualTo("key **** sig ****, pw ****, header **** true eu-west-1");
    }

    @Test
    void masksTheSecretFieldsOfAServiceAccountKeyFileButNotItsPath(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path key = dir.resolve("key.json");
        java.nio.file.Files.writeString(key, "{\"type\":\"service_account\",\"private_key_id\":\"0123abcd\","
                + "\"private_key\":\"-----BEGIN PRIVATE KEY-----\\nTUlJQ2VR\\n-----END PRIVATE KEY-----\\n\"}");
        Redactor redactor = Redactor.of(new String[0], Map.of("GOOGLE_APPLICATION_CREDENTIALS", key.toString()));

        assertThat(redactor.redact("id 0123abcd body TUlJQ2VR file " + key)).isEqualTo("id **** body **** file " + key);
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
