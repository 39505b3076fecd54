package dev.laststate.hdfs;

import dev.laststate.store.InvalidStoreConfigurationException;
import dev.laststate.store.StoreUri;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The HDFS store's configuration, validated when the store is opened.
 *
 * <p>Hadoop reads its own files first: {@code core-site.xml} and {@code hdfs-site.xml} from the class path,
 * then from {@code $HADOOP_CONF_DIR}. Options {@code hdfs.<hadoop key>=value} are passed to Hadoop's
 * {@code Configuration} on top of them (so {@code -o hdfs.dfs.client.socket-timeout=30000} sets
 * {@code dfs.client.socket-timeout}); only the keys below {@code hdfs.kerberos.} and {@code hdfs.laststate.}
 * are this store's own, and an unknown one of those is rejected.
 *
 * <p>Everything the store would otherwise take from the process environment comes from the environment map
 * it is opened with ({@link dev.laststate.store.CheckpointStoreProvider#open}): {@code HADOOP_CONF_DIR},
 * {@code HADOOP_USER_NAME}, {@code KRB5CCNAME} and {@code KRB5_CONFIG}, besides this store's own variables.
 *
 * @param hadoopConfDir {@code $HADOOP_CONF_DIR}, when set
 * @param hadoopProperties Hadoop keys (without the {@code hdfs.} prefix) and their values, given as options
 * @param kerberos the principal and keytab to log in with, when given
 * @param lockTimeout how long a conditional replace waits for another writer's lock on the directory
 * @param userName {@code $HADOOP_USER_NAME}: the user to act as under simple authentication, when set
 * @param ticketCache {@code $KRB5CCNAME} without its {@code FILE:} prefix: the Kerberos ticket cache to use
 *     when Kerberos is on and no keytab is given, when set
 * @param krb5Config {@code $KRB5_CONFIG}: the {@code krb5.conf} Java's Kerberos reads, when set
 */
public record HdfsStoreConfig(Optional<Path> hadoopConfDir, Map<String, String> hadoopProperties, Optional<Kerberos> kerberos,
                              Duration lockTimeout, Optional<String> userName, Optional<String> ticketCache,
                              Optional<Path> krb5Config) {

    /** The prefix of every option of this store; it is also the provider's name. */
    public static final String PREFIX = "hdfs.";
    /** The Kerberos principal to log in as, with {@link #KERBEROS_KEYTAB}. */
    public static final String KERBEROS_PRINCIPAL = PREFIX + "kerberos.principal";
    /** The keytab file holding the principal's keys. */
    public static final String KERBEROS_KEYTAB = PREFIX + "kerberos.keytab";
    /** How long a conditional replace waits for the directory's lock, in seconds (default 120, above HDFS's 60 s lease soft limit). */
    public static final String LOCK_TIMEOUT = PREFIX + "laststate.lock-timeout-seconds";

    /** Environment variables read when the options leave them out. */
    public static final String ENV_CONF_DIR = "HADOOP_CONF_DIR";
    public static final String ENV_KERBEROS_PRINCIPAL = "LASTSTATE_HDFS_KERBEROS_PRINCIPAL";
    public static final String ENV_KERBEROS_KEYTAB = "LASTSTATE_HDFS_KERBEROS_KEYTAB";
    /** Hadoop's own: the user to act as under simple authentication. */
    public static final String ENV_USER_NAME = "HADOOP_USER_NAME";
    /** Kerberos's own: the ticket cache {@code kinit} wrote. */
    public static final String ENV_TICKET_CACHE = "KRB5CCNAME";
    /** Kerberos's own: the {@code krb5.conf} to read. */
    public static final String ENV_KRB5_CONFIG = "KRB5_CONFIG";

    static final Duration DEFAULT_LOCK_TIMEOUT = Duration.ofSeconds(120);

    /**
     * A Kerberos login from a keytab; there is deliberately no password option.
     *
     * @param principal such as {@code laststate/host@EXAMPLE.COM}
     * @param keytab a readable keytab file
     */
    public record Kerberos(String principal, Path keytab) {
        public Kerberos {
            Objects.requireNonNull(principal, "principal");
            Objects.requireNonNull(keytab, "keytab");
        }
    }

    public HdfsStoreConfig {
        Objects.requireNonNull(hadoopConfDir, "hadoopConfDir");
        hadoopProperties = Map.copyOf(hadoopProperties);
        Objects.requireNonNull(kerberos, "kerberos");
        Objects.requireNonNull(lockTimeout, "lockTimeout");
        Objects.requireNonNull(userName, "userName");
        Objects.requireNonNull(ticketCache, "ticketCache");
        Objects.requireNonNull(krb5Config, "krb5Config");
    }

    /**
     * Reads and checks the options (all starting with {@code hdfs.}) and the environment.
     *
     * @throws InvalidStoreConfigurationException for a malformed key or value, an unknown key of this store's own,
     *     half a Kerberos login, a keytab that cannot be read, a {@code HADOOP_CONF_DIR} that is not a directory,
     *     a {@code HADOOP_USER_NAME} with white space or control characters, or a {@code KRB5_CONFIG} that is not a file
     */
    public static HdfsStoreConfig fromOptions(Map<String, String> options, Map<String, String> environment) {
        Map<String, String> hadoop = new TreeMap<>();
        Optional<String> principal = Optional.empty();
        Optional<String> keytab = Optional.empty();
        Duration lockTimeout = DEFAULT_LOCK_TIMEOUT;
        for (Map.Entry<String, String> option : new TreeMap<>(options).entrySet()) {
            String key = option.getKey();
            String value = option.getValue();
            if (key == null || !key.startsWith(PREFIX)) {
                throw new InvalidStoreConfigurationException("option '" + key + "' is not an hdfs option (hdfs.<hadoop key>=value)");
            }
            String hadoopKey = key.substring(PREFIX.length());
            if (hadoopKey.isEmpty() || hadoopKey.startsWith(".") || hadoopKey.endsWith(".") || hadoopKey.contains("..")
                    || hadoopKey.chars().anyMatch(c -> c <= 0x20 || c == 0x7f || c == '=')) {
                throw new InvalidStoreConfigurationException("option '" + StoreUri.printable(key)
                        + "' is malformed: expected hdfs.<hadoop key>, as in hdfs.dfs.client.socket-timeout");
            }
            if (value == null || value.isEmpty() || value.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
                throw new InvalidStoreConfigurationException("option '" + key
                        + "' needs a value without control characters (leave the option out for Hadoop's default)");
            }
            switch (key) {
                case KERBEROS_PRINCIPAL -> principal = Optional.of(value);
                case KERBEROS_KEYTAB -> keytab = Optional.of(value);
                case LOCK_TIMEOUT -> lockTimeout = seconds(key, value);
                default -> {
                    if (key.startsWith(PREFIX + "kerberos.") || key.startsWith(PREFIX + "laststate.")) {
                        throw new InvalidStoreConfigurationException("unknown option '" + key + "' (known: " + KERBEROS_PRINCIPAL
                                + ", " + KERBEROS_KEYTAB + ", " + LOCK_TIMEOUT + "; other hdfs.<key> options go to Hadoop)");
                    }
                    hadoop.put(hadoopKey, value);
                }
            }
        }
        if (principal.isEmpty()) {
            principal = nonBlank(environment.get(ENV_KERBEROS_PRINCIPAL));
        }
        if (keytab.isEmpty()) {
            keytab = nonBlank(environment.get(ENV_KERBEROS_KEYTAB));
        }
        return new HdfsStoreConfig(confDir(environment), hadoop, kerberos(principal, keytab), lockTimeout, userName(environment),
                nonBlank(environment.get(ENV_TICKET_CACHE)).map(cache -> cache.startsWith("FILE:") ? cache.substring(5) : cache),
                krb5Config(environment));
    }

    private static Optional<String> userName(Map<String, String> environment) {
        Optional<String> name = nonBlank(environment.get(ENV_USER_NAME));
        if (name.isPresent() && name.get().chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
            throw new InvalidStoreConfigurationException(ENV_USER_NAME + "='" + StoreUri.printable(name.get()) + "' is not a user name");
        }
        return name;
    }

    private static Optional<Path> krb5Config(Map<String, String> environment) {
        return existingPath(environment, ENV_KRB5_CONFIG, Files::isRegularFile, "a file");
    }

    private static Optional<Kerberos> kerberos(Optional<String> principal, Optional<String> keytab) {
        if (principal.isEmpty() && keytab.isEmpty()) {
            return Optional.empty();
        }
        if (principal.isEmpty() || keytab.isEmpty()) {
            throw new InvalidStoreConfigurationException("a Kerberos login needs both a principal and a keytab: set "
                    + KERBEROS_PRINCIPAL + " and " + KERBEROS_KEYTAB + " (or " + ENV_KERBEROS_PRINCIPAL + " and "
                    + ENV_KERBEROS_KEYTAB + "); " + (principal.isEmpty() ? "the principal" : "the keytab") + " is missing");
        }
        if (principal.get().isBlank() || principal.get().chars().anyMatch(Character::isWhitespace)) {
            throw new InvalidStoreConfigurationException("the Kerberos principal '" + StoreUri.printable(principal.get())
                    + "' is malformed (expected name/host@REALM or name@REALM)");
        }
        Path file = path(keytab.get(), "the Kerberos keytab");
        if (!Files.isRegularFile(file)) {
            throw new InvalidStoreConfigurationException("the Kerberos keytab " + file + " does not exist or is not a file");
        }
        if (!Files.isReadable(file)) {
            throw new InvalidStoreConfigurationException("the Kerberos keytab " + file + " is not readable by this user");
        }
        return Optional.of(new Kerberos(principal.get(), file));
    }

    private static Optional<Path> confDir(Map<String, String> environment) {
        return existingPath(environment, ENV_CONF_DIR, Files::isDirectory, "a directory");
    }

    /** The absolute path in the environment variable {@code variable}, when set; refused unless it is {@code kind}. */
    private static Optional<Path> existingPath(Map<String, String> environment, String variable, Predicate<Path> isKind, String kind) {
        Optional<Path> path = nonBlank(environment.get(variable)).map(value -> path(value, variable));
        if (path.isPresent() && !isKind.test(path.get())) {
            throw new InvalidStoreConfigurationException(variable + "=" + path.get() + " is not " + kind);
        }
        return path;
    }

    private static Duration seconds(String key, String value) {
        try {
            long seconds = Long.parseLong(value);
            if (seconds > 0 && seconds <= 86_400) {
                return Duration.ofSeconds(seconds);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new InvalidStoreConfigurationException("option '" + key + "' must be a number of seconds from 1 to 86400, not '" + value + "'");
    }

    private static Path path(String value, String what) {
        try {
            return Path.of(value).toAbsolutePath();
        } catch (InvalidPathException e) {
            throw new InvalidStoreConfigurationException(what + " '" + StoreUri.printable(value) + "' is not a valid path");
        }
    }

    private static Optional<String> nonBlank(String value) {
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
    }

}
