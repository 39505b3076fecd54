package dev.laststate.hdfs;

import dev.laststate.store.InvalidStoreConfigurationException;
import dev.laststate.store.StoreAccessDeniedException;
import dev.laststate.store.StoreException;
import dev.laststate.store.StoreUri;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.security.UserGroupInformation;

/** Turns an {@link HdfsStoreConfig} into Hadoop's {@link Configuration} and the user to act as. */
final class HadoopSetup {

    /**
     * Bounded failure for an unreachable NameNode: Hadoop's defaults retry a refused connection 10 times a
     * second apart and a timed-out one 45 times after 20 s each (about 15 minutes). Applied only where no
     * site file sets the key; {@code -o hdfs.<key>=...} overrides them.
     */
    static final Map<String, String> FAIL_FAST_DEFAULTS = Map.of(
            "ipc.client.connect.max.retries", "2",
            "ipc.client.connect.retry.interval", "500",
            "ipc.client.connect.timeout", "5000",
            "ipc.client.connect.max.retries.on.timeouts", "2",
            "ipc.client.rpc-timeout.ms", "60000",
            "dfs.client.failover.max.attempts", "4");

    private static final String KRB5_CONF_PROPERTY = "java.security.krb5.conf";

    private HadoopSetup() {}

    static Configuration configuration(HdfsStoreConfig config) {
        // Loads core-default.xml and core-site.xml from the class path, as every Hadoop client does.
        Configuration conf = new Configuration();
        config.hadoopConfDir().ifPresent(dir -> {
            for (String file : new String[] {"core-site.xml", "hdfs-site.xml"}) {
                Path site = dir.resolve(file);
                if (Files.isRegularFile(site)) {
                    conf.addResource(new org.apache.hadoop.fs.Path(site.toUri()));
                }
            }
        });
        FAIL_FAST_DEFAULTS.forEach((key, value) -> {
            if (!setBySite(conf, key)) {
                conf.set(key, value, "laststate default");
            }
        });
        config.hadoopProperties().forEach((key, value) -> conf.set(key, value, "laststate option hdfs." + key));
        if (config.kerberos().isPresent()) {
            conf.set("hadoop.security.authentication", "kerberos", "laststate option " + HdfsStoreConfig.KERBEROS_PRINCIPAL);
        }
        return conf;
    }

    /** Whether a file other than Hadoop's own *-default.xml sets the key. */
    private static boolean setBySite(Configuration conf, String key) {
        String[] sources = conf.getPropertySources(key);
        if (sources == null) {
            return false;
        }
        for (String source : sources) {
            if (!source.endsWith("-default.xml")) {
                return true;
            }
        }
        return false;
    }

    /**
     * The user the store acts as, from the configuration and the environment map only: a keytab login when
     * configured; under Kerberos otherwise the ticket cache ({@code KRB5CCNAME} from the map, else Java's default
     * cache); under simple authentication {@code HADOOP_USER_NAME} from the map, else the JVM's user name.
     * Hadoop's own login would read {@code HADOOP_USER_NAME} and {@code KRB5CCNAME} from the process
     * environment, which a provider never does, so the user is built here instead.
     *
     * <p>Hadoop's security setup is process-wide, so a Kerberos configuration is installed for the process (and
     * {@code KRB5_CONFIG} from the map becomes {@code java.security.krb5.conf} unless that is already set); the
     * keytab login itself returns its own user instead of replacing the process's login user.
     */
    static UserGroupInformation user(Configuration conf, HdfsStoreConfig config, StoreUri shownAs) throws StoreException {
        boolean kerberos = "kerberos".equalsIgnoreCase(conf.get("hadoop.security.authentication", "simple"));
        try {
            if (kerberos) {
                config.krb5Config().ifPresent(file -> {
                    if (System.getProperty(KRB5_CONF_PROPERTY) == null) {
                        System.setProperty(KRB5_CONF_PROPERTY, file.toString());
                    }
                });
                try {
                    UserGroupInformation.setConfiguration(conf);
                } catch (IllegalArgumentException e) {
                    // Hadoop's way of saying that Java found no krb5.conf with a default realm.
                    throw new InvalidStoreConfigurationException("Kerberos is switched on (hadoop.security.authentication=kerberos)"
                            + " but Java finds no Kerberos setup: " + HdfsErrors.detail(e) + " (set default_realm in /etc/krb5.conf,"
                            + " or point KRB5_CONFIG or -Djava.security.krb5.conf at a krb5.conf)");
                }
            }
            if (config.kerberos().isPresent()) {
                HdfsStoreConfig.Kerberos keytab = config.kerberos().get();
                return UserGroupInformation.loginUserFromKeytabAndReturnUGI(keytab.principal(), keytab.keytab().toString());
            }
            if (kerberos) {
                return config.ticketCache().isPresent()
                        ? UserGroupInformation.getUGIFromTicketCache(config.ticketCache().get(), null)
                        : UserGroupInformation.getCurrentUser();
            }
            return UserGroupInformation.createRemoteUser(config.userName().orElseGet(() -> System.getProperty("user.name")));
        } catch (IOException e) {
            // The message names the principal and keytab path, never key material.
            throw new StoreAccessDeniedException(shownAs, "Kerberos login failed"
                    + config.kerberos().map(k -> " for " + k.principal() + " with keytab " + k.keytab()).orElse("")
                    + config.ticketCache().filter(cache -> kerberos && config.kerberos().isEmpty()).map(cache -> " from the ticket cache " + cache).orElse("")
                    + ": " + HdfsErrors.detail(e), e);
        }
    }
}
