package dev.laststate.hdfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.laststate.store.CheckpointStores;
import dev.laststate.store.InvalidStoreConfigurationException;
import dev.laststate.store.StoreUri;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Options, environment and Hadoop's configuration files, checked without a cluster. */
class HdfsStoreConfigTest {

    @TempDir
    Path dir;

    @Test
    void unknownKeysArePassedToHadoop() {
        HdfsStoreConfig config = HdfsStoreConfig.fromOptions(Map.of("hdfs.dfs.client.socket-timeout", "1234", "hdfs.fs.permissions.umask-mode", "027"), Map.of());

        assertThat(config.hadoopProperties()).containsOnly(Map.entry("dfs.client.socket-timeout", "1234"),
                Map.entry("fs.permissions.umask-mode", "027"));
        Configuration conf = HadoopSetup.configuration(config);
        assertThat(conf.get("dfs.client.socket-timeout")).isEqualTo("1234");
        assertThat(conf.get("fs.permissions.umask-mode")).isEqualTo("027");
        assertThat(config.kerberos()).isEmpty();
        assertThat(config.hadoopConfDir()).isEmpty();
        assertThat(config.lockTimeout()).isEqualTo(Duration.ofSeconds(120));
    }

    @Test
    void failFastDefaultsApplyUnlessAnOptionOrASiteFileSetsThem() throws Exception {
        Configuration plain = HadoopSetup.configuration(HdfsStoreConfig.fromOptions(Map.of(), Map.of()));
        HadoopSetup.FAIL_FAST_DEFAULTS.forEach((key, value) -> assertThat(plain.get(key)).as(key).isEqualTo(value));

        Configuration overridden = HadoopSetup.configuration(HdfsStoreConfig.fromOptions(Map.of("hdfs.ipc.client.connect.timeout", "777"), Map.of()));
        assertThat(overridden.get("ipc.client.connect.timeout")).isEqualTo("777");

        Files.writeString(dir.resolve("core-site.xml"), """
                <configuration>
                  <property><name>fs.defaultFS</name><value>hdfs://namenode.example:8020</value></property>
                  <property><name>ipc.client.connect.timeout</name><value>9999</value></property>
                </configuration>
                """);
        Files.writeString(dir.resolve("hdfs-site.xml"), """
                <configuration>
                  <property><name>dfs.nameservices</name><value>prod</value></property>
                </configuration>
                """);
        Configuration site = HadoopSetup.configuration(HdfsStoreConfig.fromOptions(Map.of(), Map.of("HADOOP_CONF_DIR", dir.toString())));
        assertThat(site.get("fs.defaultFS")).isEqualTo("hdfs://namenode.example:8020");
        assertThat(site.get("dfs.nameservices")).isEqualTo("prod");
        assertThat(site.get("ipc.client.connect.timeout")).as("the site file wins over laststate's default").isEqualTo("9999");
        assertThat(site.get("ipc.client.connect.max.retries.on.timeouts")).isEqualTo("2");

        Configuration both = HadoopSetup.configuration(HdfsStoreConfig.fromOptions(Map.of("hdfs.ipc.client.connect.timeout", "777"),
                Map.of("HADOOP_CONF_DIR", dir.toString())));
        assertThat(both.get("ipc.client.connect.timeout")).as("an option wins over the site file").isEqualTo("777");
    }

    @Test
    void aHadoopConfDirThatIsNoDirectoryIsRejected() {
        assertThatThrownBy(() -> HdfsStoreConfig.fromOptions(Map.of(), Map.of("HADOOP_CONF_DIR", dir.resolve("missing").toString())))
                .isInstanceOf(InvalidStoreConfigurationException.class).hasMessageContaining("HADOOP_CONF_DIR").hasMessageContaining("not a directory");
        assertThat(HdfsStoreConfig.fromOptions(Map.of(), Map.of("HADOOP_CONF_DIR", " ")).hadoopConfDir()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"hdfs.", "hdfs..x", "hdfs.x.", "hdfs. x", "hdfs.a b", "hdfs.a=b", "hdfs.a\tb", "s3.endpoint"})
    void malformedKeysAreRejected(String key) {
        assertThatThrownBy(() -> HdfsStoreConfig.fromOptions(Map.of(key, "1"), Map.of()))
                .isInstanceOf(InvalidStoreConfigurationException.class).hasMessageContaining("option");
    }

    @Test
    void emptyValuesAndUnknownKeysOfTheStoresOwnAreRejected() {
        assertThatThrownBy(() -> HdfsStoreConfig.fromOptions(Map.of("hdfs.dfs.replication", ""), Map.of()))
                .isInstanceOf(InvalidStoreConfigurationException.class).hasMessageContaining("hdfs.dfs.replication");
        assertThatThrownBy(() -> HdfsStoreConfig.fromOptions(Map.of("hdfs.kerberos.principle", "me@EXAMPLE.COM"), Map.of()))
                .isInstanceOf(InvalidStoreConfigurationException.class).hasMessageContaining("unknown option 'hdfs.kerberos.principle'");
        assertThatThrownBy(() -> HdfsStoreConfig.fromOptions(Map.of("hdfs.kerberos.password", "secret"), Map.of()))
                .isInstanceOf(InvalidStoreConfigurationException.class).hasMessageNotContaining("secret");
        assertThatThrownBy(() -> HdfsStoreConfig.fromOptions(Map.of(HdfsStoreConfig.LOCK_TIMEOUT, "0"), Map.of()))
                .isInstanceOf(InvalidStoreConfigurationException.class).hasMessageContaining("seconds");
        assertThat(HdfsStoreConfig.fromOptions(Map.of(HdfsStoreConfig.LOCK_TIMEOUT, "5"), Map.of()).lockTimeout()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void kerberosNeedsBothPrincipalAndKeytab() {
        assertThatThrownBy(() -> HdfsStoreConfig.fromOptions(Map.of(HdfsStoreConfig.KERBEROS_PRINCIPAL, "laststate@EXAMPLE.COM"), Map.of()))
                .isInstanceOf(InvalidStoreConfigurationException.class)
                .hasMessageContaining(HdfsStoreConfig.KERBEROS_KEYTAB).hasMessageContaining("the keytab is missing");
        assertThatThrownBy(() -> HdfsStoreConfig.fromOptions(Map.of(), Map.of(HdfsStoreConfig.ENV_KERBEROS_KEYTAB, "/etc/laststate.keytab")))
                .isInstanceOf(InvalidStoreConfigurationException.class).hasMessageContaining("the principal is missing");
    }

    @Test
    void aMissingKeytabIsAClearError() {
        Path missing = dir.resolve("laststate.keytab");

        assertThatThrownBy(() -> HdfsStoreConfig.fromOptions(Map.of(HdfsStoreConfig.KERBEROS_PRINCIPAL, "laststate@EXAMPLE.COM",
                HdfsStoreConfig.KERBEROS_KEYTAB, missing.toString()), Map.of()))
                .isInstanceOf(InvalidStoreConfigurationException.class)
                .hasMessage("the Kerberos keytab " + missing + " does not exist or is not a file");
        assertThatThrownBy(() -> HdfsStoreConfig.fromOptions(Map.of(HdfsStoreConfig.KERBEROS_PRINCIPAL, "laststate@EXAMPLE.COM",
                HdfsStoreConfig.KERBEROS_KEYTAB, dir.toString()), Map.of()))
                .isInstanceOf(InvalidStoreConfigurationException.class).hasMessageContaining("not a file");
    }

    @Test
    void kerberosFromTheEnvironmentOrOptionsSwitchesHadoopToKerberos() throws Exception {
        Path keytab = Files.createFile(dir.resolve("laststate.keytab"));
        Map<String, String> env = Map.of(HdfsStoreConfig.ENV_KERBEROS_PRINCIPAL, "env@EXAMPLE.COM", HdfsStoreConfig.ENV_KERBEROS_KEYTAB, keytab.toString());

        HdfsStoreConfig fromEnv = HdfsStoreConfig.fromOptions(Map.of(), env);
        assertThat(fromEnv.kerberos()).contains(new HdfsStoreConfig.Kerberos("env@EXAMPLE.COM", keytab));
        assertThat(HadoopSetup.configuration(fromEnv).get("hadoop.security.authentication")).isEqualTo("kerberos");

        HdfsStoreConfig optionWins = HdfsStoreConfig.fromOptions(Map.of(HdfsStoreConfig.KERBEROS_PRINCIPAL, "option/host@EXAMPLE.COM"), env);
        assertThat(optionWins.kerberos()).contains(new HdfsStoreConfig.Kerberos("option/host@EXAMPLE.COM", keytab));

        assertThatThrownBy(() -> HdfsStoreConfig.fromOptions(Map.of(HdfsStoreConfig.KERBEROS_PRINCIPAL, "two words@EXAMPLE.COM"), env))
                .isInstanceOf(InvalidStoreConfigurationException.class).hasMessageContaining("malformed");
    }

    @Test
    void theRegistryFindsTheProviderAndPassesItsOptions() {
        CheckpointStores stores = CheckpointStores.of(List.of(new HdfsCheckpointStoreProvider()));
        StoreUri uri = StoreUri.parse("hdfs://namenode:8020/flink/checkpoints");

        assertThat(stores.provider("hdfs").name()).isEqualTo("hdfs");
        assertThat(CheckpointStores.load().schemes()).contains("hdfs", "file");
        assertThatThrownBy(() -> stores.open(uri, Map.of(HdfsStoreConfig.KERBEROS_PRINCIPAL, "laststate@EXAMPLE.COM",
                HdfsStoreConfig.KERBEROS_KEYTAB, dir.resolve("none").toString()), Map.of()))
                .isInstanceOf(InvalidStoreConfigurationException.class).hasMessageContaining("does not exist");
    }

    @Test
    void theUserAndKerberosFilesComeFromTheEnvironmentMap() throws Exception {
        Path krb5 = Files.writeString(dir.resolve("krb5.conf"), "[libdefaults]\n default_realm = EXAMPLE.COM\n");
        HdfsStoreConfig config = HdfsStoreConfig.fromOptions(Map.of(), Map.of(HdfsStoreConfig.ENV_USER_NAME, "flink",
                HdfsStoreConfig.ENV_TICKET_CACHE, "FILE:/tmp/krb5cc_1000", HdfsStoreConfig.ENV_KRB5_CONFIG, krb5.toString()));

        assertThat(config.userName()).contains("flink");
        assertThat(config.ticketCache()).as("Kerberos's FILE: prefix dropped").contains("/tmp/krb5cc_1000");
        assertThat(config.krb5Config()).contains(krb5);
        HdfsStoreConfig none = HdfsStoreConfig.fromOptions(Map.of(), Map.of());
        assertThat(none.userName()).isEmpty();
        assertThat(none.ticketCache()).isEmpty();
        assertThat(none.krb5Config()).isEmpty();

        assertThatThrownBy(() -> HdfsStoreConfig.fromOptions(Map.of(), Map.of(HdfsStoreConfig.ENV_USER_NAME, "two words")))
                .isInstanceOf(InvalidStoreConfigurationException.class).hasMessageContaining(HdfsStoreConfig.ENV_USER_NAME);
        assertThatThrownBy(() -> HdfsStoreConfig.fromOptions(Map.of(), Map.of(HdfsStoreConfig.ENV_KRB5_CONFIG, dir.toString())))
                .isInstanceOf(InvalidStoreConfigurationException.class).hasMessageContaining("not a file");
    }
}
