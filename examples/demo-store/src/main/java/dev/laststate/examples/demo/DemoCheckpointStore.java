package dev.laststate.examples.demo;

import dev.laststate.store.Capability;
import dev.laststate.store.CheckpointStore;
import dev.laststate.store.ConditionFailedException;
import dev.laststate.store.ContainerNotFoundException;
import dev.laststate.store.Listing;
import dev.laststate.store.ObjectAlreadyExistsException;
import dev.laststate.store.ObjectContent;
import dev.laststate.store.ObjectInfo;
import dev.laststate.store.StoreException;
import dev.laststate.store.StoreNotFoundException;
import dev.laststate.store.StoreUri;
import dev.laststate.store.WriteCondition;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A checkpoint store held in memory, for {@code mem+demo://<container>/<path>}: the worked example of a
 * third-party store in {@code tck/README.md}. It is written to be read, not to be fast.
 *
 * <p>Like an object store, each container holds flat keys ({@code job/chk-7/_metadata}); directories are
 * the prefixes of keys up to a {@code '/'}, so a directory exists while an object lies below it. The
 * containers are created when the store opens (see {@link DemoStoreConfig}); a location in any other is a
 * {@link ContainerNotFoundException} from every method.
 *
 * <p>Every object gets a fresh version on every write, from one counter, so a version is never reused: not
 * even by an object deleted and written again, which a stale {@code ifVersionMatches} must not match.
 *
 * <p>Thread-safe: one lock guards every container, so each method is one atomic step, which is what the
 * SPI asks: a write's condition and the write, a copy's version check and the copy, a listing and the keys
 * it reads. A store on a server gets the same from the server's own conditions instead.
 */
public final class DemoCheckpointStore implements CheckpointStore {

    /** The scheme this store serves. */
    public static final String SCHEME = "mem+demo";

    private static final Set<String> SCHEMES = Set.of(SCHEME);
    // All three, honestly: conditions are checked under the same lock as the write, and a copy never leaves the store.
    private static final Set<Capability> CAPABILITIES =
            Set.of(Capability.CONDITIONAL_CREATE, Capability.CONDITIONAL_REPLACE, Capability.SERVER_SIDE_COPY);

    /** One object: its bytes (never changed once written, so copies may share them) and what a stat tells. */
    private record Blob(byte[] bytes, Instant lastModified, String version) {}

    private final Map<String, NavigableMap<String, Blob>> containers = new TreeMap<>();
    private final Clock clock = Clock.systemUTC();
    private long lastVersion;

    public DemoCheckpointStore(DemoStoreConfig config) {
        config.containers().forEach(name -> containers.put(name, new TreeMap<>()));
    }

    @Override
    public Set<String> schemes() {
        return SCHEMES;
    }

    @Override
    public Set<Capability> capabilities() {
        return CAPABILITIES;
    }

    @Override
    public synchronized Listing list(StoreUri directory) throws ContainerNotFoundException {
        NavigableMap<String, Blob> container = container(directory.requireScheme(SCHEMES));
        String prefix = directory.path().isEmpty() ? "" : directory.path() + "/";
        Set<String> directories = new TreeSet<>();
        List<ObjectInfo> objects = new ArrayList<>();
        Set<String> skipped = new TreeSet<>();
        // Keys are sorted, so the keys below the directory are one run starting at its prefix.
        for (Map.Entry<String, Blob> entry : container.tailMap(prefix, true).entrySet()) {
            if (!entry.getKey().startsWith(prefix)) {
                break;
            }
            String rest = entry.getKey().substring(prefix.length());
            int slash = rest.indexOf('/');
            String name = slash < 0 ? rest : rest.substring(0, slash);
            if (!directory.canHold(name)) {
                skipped.add(name); // a key no StoreUri can name (an empty segment, a control character): never served
            } else if (slash < 0) {
                objects.add(info(directory.resolve(name), entry.getValue()));
            } else {
                directories.add(name);
            }
        }
        return new Listing(directory, List.copyOf(directories), objects, List.copyOf(skipped));
    }

    @Override
    public synchronized Optional<ObjectInfo> stat(StoreUri uri) throws ContainerNotFoundException {
        return Optional.ofNullable(container(object(uri)).get(uri.path())).map(blob -> info(uri, blob));
    }

    @Override
    public synchronized ObjectContent read(StoreUri uri, long maxBytes) throws StoreException {
        Blob blob = container(object(uri)).get(uri.path());
        if (blob == null) {
            throw new StoreNotFoundException(uri, "cannot read " + uri + ": no such object", null);
        }
        int length = (int) Math.min(Math.max(0, maxBytes), blob.bytes().length);
        return new ObjectContent(info(uri, blob), Arrays.copyOf(blob.bytes(), length));
    }

    @Override
    public synchronized ObjectInfo write(StoreUri uri, byte[] bytes, WriteCondition condition) throws StoreException {
        NavigableMap<String, Blob> container = container(object(uri));
        Blob current = container.get(uri.path());
        switch (condition.kind()) {
            case OVERWRITE -> { }
            case IF_ABSENT -> {
                if (current != null) {
                    throw new ObjectAlreadyExistsException(uri, uri + " already exists", null);
                }
            }
            case IF_VERSION_MATCHES -> {
                String expected = condition.expectedVersion().orElseThrow();
                if (current == null) {
                    throw new ConditionFailedException(uri, uri + " does not exist, so it is not at version " + expected, null);
                }
                if (!current.version().equals(expected)) {
                    throw new ConditionFailedException(uri, uri + " is at version " + current.version() + ", not " + expected, null);
                }
            }
        }
        // A copy of the caller's array: the caller may change it after we return.
        return put(container, uri, bytes.clone());
    }

    @Override
    public synchronized ObjectInfo copy(ObjectInfo source, StoreUri target) throws StoreException {
        // Both locations first (scheme, container root, one container), then the container: the SPI's edges, in its order.
        StoreUri from = object(source.uri());
        StoreUri to = from.requireCopyTo(target, SCHEMES, nameLimits());
        NavigableMap<String, Blob> sourceContainer = container(from);
        NavigableMap<String, Blob> targetContainer = container(to);
        Blob blob = sourceContainer.get(from.path());
        if (blob == null) {
            throw new StoreNotFoundException(from, "cannot copy " + from + ": no such object", null);
        }
        // Exactly the version the caller listed: Flink may have rewritten or replaced the object since.
        if (!blob.version().equals(source.version())) {
            throw new ConditionFailedException(from, "cannot copy " + from + ": it is at version " + blob.version()
                    + ", not the listed " + source.version(), null);
        }
        // In the store: the copy shares the bytes, which nothing changes, so none pass through the caller.
        return put(targetContainer, to, blob.bytes());
    }

    @Override
    public synchronized void delete(StoreUri uri) throws ContainerNotFoundException {
        container(object(uri)).remove(uri.path());
    }

    /**
     * Stores {@code bytes} under {@code key} in {@code container} as they are, without the checks a
     * {@link StoreUri} makes: what a test does with an object store's own SDK to plant a key no location can
     * name (see {@code DemoStoreTckTest}). Not part of the store's contract.
     */
    synchronized void putKey(String container, String key, byte[] bytes) {
        containers.get(container).put(key, new Blob(bytes.clone(), clock.instant(), nextVersion()));
    }

    private ObjectInfo put(NavigableMap<String, Blob> container, StoreUri uri, byte[] bytes) {
        Blob blob = new Blob(bytes, clock.instant(), nextVersion());
        container.put(uri.path(), blob);
        return info(uri, blob);
    }

    private String nextVersion() {
        return "v" + ++lastVersion;
    }

    private static ObjectInfo info(StoreUri uri, Blob blob) {
        return new ObjectInfo(uri, blob.bytes().length, blob.lastModified(), blob.version());
    }

    /** {@code uri} as an object's location: of this store's scheme, below a container's root. */
    private static StoreUri object(StoreUri uri) {
        return uri.requireObject(SCHEMES);
    }

    /** The container {@code uri} lies in; checked after the scheme and the root, as every edge of the SPI is. */
    private NavigableMap<String, Blob> container(StoreUri uri) throws ContainerNotFoundException {
        NavigableMap<String, Blob> container = containers.get(uri.authority());
        if (container == null) {
            throw new ContainerNotFoundException(uri, "the container '" + uri.authority() + "' of " + uri
                    + " does not exist (this store has " + String.join(", ", containers.keySet()) + ")", null);
        }
        return container;
    }
}
