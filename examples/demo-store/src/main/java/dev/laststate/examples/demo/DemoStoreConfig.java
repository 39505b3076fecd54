package dev.laststate.examples.demo;

import dev.laststate.store.InvalidStoreConfigurationException;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The demo store's options, typed and checked once, when the store opens. Its one option is
 * {@value #CONTAINERS}: the containers that exist, comma-separated (default {@value #DEFAULT_CONTAINER}). As a
 * bucket does, a container exists before any promotion runs; a location in any other is a
 * {@link dev.laststate.store.ContainerNotFoundException}.
 *
 * @param containers the names of the containers, each lower-case letters, digits and '-'
 */
public record DemoStoreConfig(Set<String> containers) {

    /** The option naming the containers. */
    public static final String CONTAINERS = "demo.containers";
    /** The container there is when {@value #CONTAINERS} is not given. */
    public static final String DEFAULT_CONTAINER = "demo";

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]*");

    public DemoStoreConfig {
        containers = Set.copyOf(containers);
        if (containers.isEmpty()) {
            throw new InvalidStoreConfigurationException(CONTAINERS + " names no container");
        }
        for (String name : containers) {
            if (!NAME.matcher(name).matches()) {
                throw new InvalidStoreConfigurationException(CONTAINERS + ": '" + name
                        + "' is not a container name (lower-case letters, digits and '-')");
            }
        }
    }

    /**
     * The configuration {@code options} describe: the provider's keys only, as
     * {@link dev.laststate.store.CheckpointStores} passes them.
     *
     * @throws InvalidStoreConfigurationException for a key of the {@code demo.} namespace this store does not
     *     know (a typo must not be ignored) or a malformed value
     */
    public static DemoStoreConfig fromOptions(Map<String, String> options) {
        for (String key : options.keySet()) {
            if (!key.equals(CONTAINERS)) {
                throw new InvalidStoreConfigurationException("unknown option '" + key + "'; the demo store knows " + CONTAINERS);
            }
        }
        String value = options.getOrDefault(CONTAINERS, DEFAULT_CONTAINER);
        return new DemoStoreConfig(Arrays.stream(value.split(",", -1))
                .map(String::strip)
                .collect(Collectors.toCollection(TreeSet::new)));
    }
}
