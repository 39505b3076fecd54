package dev.laststate.store;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The store providers available to this process, keyed by URI scheme. An instance, not a global: two
 * registries never share state, and the order in which providers are found never decides behaviour
 * (two providers claiming one scheme is an error).
 */
public final class CheckpointStores {

    /** Which module serves each scheme, for the message when that module is missing. */
    private static final Map<String, String> MODULE_BY_SCHEME = Map.ofEntries(
            Map.entry("file", "laststate-api"),
            Map.entry("s3", "laststate-s3"),
            Map.entry("s3a", "laststate-s3"),
            Map.entry("gs", "laststate-gcs"),
            Map.entry("abfs", "laststate-azure"),
            Map.entry("abfss", "laststate-azure"),
            Map.entry("wasb", "laststate-azure"),
            Map.entry("wasbs", "laststate-azure"),
            Map.entry("hdfs", "laststate-hdfs"));

    private final Map<String, CheckpointStoreProvider> byScheme;
    private final Map<String, CheckpointStoreProvider> byName;

    private CheckpointStores(Map<String, CheckpointStoreProvider> byScheme, Map<String, CheckpointStoreProvider> byName) {
        this.byScheme = byScheme;
        this.byName = byName;
    }

    /** The providers {@link ServiceLoader} finds through {@code classLoader}. */
    public static CheckpointStores load(ClassLoader classLoader) {
        List<CheckpointStoreProvider> found = new ArrayList<>();
        ServiceLoader.load(CheckpointStoreProvider.class, classLoader).forEach(found::add);
        return of(found);
    }

    /** The providers on the class path of this library. */
    public static CheckpointStores load() {
        return load(CheckpointStores.class.getClassLoader());
    }

    /**
     * A registry of exactly these providers.
     *
     * @throws IllegalStateException when two providers claim one scheme or one name
     */
    public static CheckpointStores of(Collection<? extends CheckpointStoreProvider> providers) {
        Map<String, CheckpointStoreProvider> byScheme = new TreeMap<>();
        Map<String, CheckpointStoreProvider> byName = new LinkedHashMap<>();
        for (CheckpointStoreProvider provider : providers) {
            CheckpointStoreProvider sameName = byName.putIfAbsent(provider.name(), provider);
            if (sameName != null) {
                throw new IllegalStateException("two store providers are named '" + provider.name() + "': "
                        + sameName.getClass().getName() + " and " + provider.getClass().getName());
            }
            for (String scheme : provider.schemes()) {
                CheckpointStoreProvider other = byScheme.putIfAbsent(scheme, provider);
                if (other != null) {
                    throw new IllegalStateException("two store providers serve the scheme '" + scheme + "': "
                            + other.getClass().getName() + " and " + provider.getClass().getName());
                }
            }
        }
        return new CheckpointStores(Map.copyOf(byScheme), Map.copyOf(byName));
    }

    /** The schemes some provider serves. */
    public Set<String> schemes() {
        return new TreeSet<>(byScheme.keySet());
    }

    /**
     * The provider for {@code scheme}.
     *
     * @throws InvalidStoreUriException naming the module to add when no provider serves it
     */
    public CheckpointStoreProvider provider(String scheme) {
        CheckpointStoreProvider provider = byScheme.get(scheme);
        if (provider == null) {
            String module = MODULE_BY_SCHEME.get(scheme);
            String hint = module == null
                    ? "no module serves it; known schemes: " + String.join(", ", new TreeSet<>(MODULE_BY_SCHEME.keySet()))
                    : "add the module dev.laststate:" + module + " to the class path";
            throw new InvalidStoreUriException(scheme + "://", "no store for the scheme '" + scheme + "' (" + hint
                    + "; available here: " + String.join(", ", schemes()) + ")");
        }
        return provider;
    }

    /**
     * Opens the store serving {@code uri}'s scheme, passing it the options of its namespace.
     *
     * @param options {@code <provider>.<key>} options; a key whose namespace no installed provider has is
     *     rejected, keys of other installed providers are ignored
     * @param environment the environment variables the store may read (the process's, or an embedding
     *     application's); the only environment it sees
     */
    public CheckpointStore open(StoreUri uri, Map<String, String> options, Map<String, String> environment)
            throws StoreException {
        CheckpointStoreProvider provider = provider(uri.scheme());
        Map<String, String> own = new TreeMap<>();
        for (Map.Entry<String, String> option : options.entrySet()) {
            String key = option.getKey();
            int dot = key.indexOf('.');
            String namespace = dot < 0 ? key : key.substring(0, dot);
            if (dot <= 0 || dot == key.length() - 1) {
                throw new InvalidStoreConfigurationException("option '" + key + "' is not of the form <store>.<key>, as in s3.endpoint");
            }
            if (!byName.containsKey(namespace)) {
                throw new InvalidStoreConfigurationException("option '" + key + "' belongs to no installed store (installed: "
                        + String.join(", ", new TreeSet<>(byName.keySet())) + ")");
            }
            if (namespace.equals(provider.name())) {
                own.put(key, option.getValue());
            }
        }
        return provider.open(Map.copyOf(own), Map.copyOf(environment));
    }
}
