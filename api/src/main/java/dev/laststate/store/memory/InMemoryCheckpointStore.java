package dev.laststate.store.memory;

import dev.laststate.store.Capability;
import dev.laststate.store.CheckpointStore;
import dev.laststate.store.ConditionFailedException;
import dev.laststate.store.Listing;
import dev.laststate.store.ObjectAlreadyExistsException;
import dev.laststate.store.ObjectContent;
import dev.laststate.store.ObjectInfo;
import dev.laststate.store.StoreException;
import dev.laststate.store.StoreNotFoundException;
import dev.laststate.store.StoreUri;
import dev.laststate.store.UnsupportedStoreOperationException;
import dev.laststate.store.WriteCondition;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A store held in memory, for tests and for programs that embed laststate. It serves URIs of its
 * schemes ({@code memory://name/path} by default); every operation is atomic. A store can be created
 * with fewer capabilities, and then refuses the operations they stand for, like a backend that lacks them.
 */
public final class InMemoryCheckpointStore implements CheckpointStore {

    private record Entry(byte[] bytes, ObjectInfo info) {}

    private final Set<String> schemes;
    private final Set<Capability> capabilities;
    private final Clock clock;
    private final NavigableMap<String, Entry> objects = new TreeMap<>();
    private long nextVersion = 1;

    public InMemoryCheckpointStore() {
        this(Set.of("memory"), EnumSet.of(Capability.CONDITIONAL_CREATE, Capability.CONDITIONAL_REPLACE, Capability.SERVER_SIDE_COPY), Clock.systemUTC());
    }

    public InMemoryCheckpointStore(Set<String> schemes, Set<Capability> capabilities, Clock clock) {
        this.schemes = Set.copyOf(schemes);
        this.capabilities = capabilities.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(capabilities));
        this.clock = clock;
    }

    /** A store like this one (empty) that declares only {@code capabilities}. */
    public static InMemoryCheckpointStore withCapabilities(Set<Capability> capabilities) {
        return new InMemoryCheckpointStore(Set.of("memory"), capabilities, Clock.systemUTC());
    }

    @Override
    public Set<String> schemes() {
        return schemes;
    }

    @Override
    public Set<Capability> capabilities() {
        return capabilities;
    }

    @Override
    public synchronized Listing list(StoreUri directory) {
        String prefix = key(directory) + "/";
        Set<String> directories = new TreeSet<>();
        List<ObjectInfo> found = new ArrayList<>();
        for (Map.Entry<String, Entry> e : objects.tailMap(prefix, true).entrySet()) {
            String k = e.getKey();
            if (!k.startsWith(prefix)) {
                break;
            }
            String rest = k.substring(prefix.length());
            int slash = rest.indexOf('/');
            if (slash < 0) {
                found.add(e.getValue().info());
            } else {
                directories.add(rest.substring(0, slash));
            }
        }
        return new Listing(directory, new ArrayList<>(directories), found);
    }

    @Override
    public synchronized Optional<ObjectInfo> stat(StoreUri uri) {
        return Optional.ofNullable(objects.get(objectKey(uri))).map(Entry::info);
    }

    @Override
    public synchronized ObjectContent read(StoreUri uri, long maxBytes) throws StoreNotFoundException {
        Entry entry = objects.get(objectKey(uri));
        if (entry == null) {
            throw new StoreNotFoundException(uri, "cannot read " + uri + ": no such object", null);
        }
        int length = (int) Math.min(maxBytes, entry.bytes().length);
        return new ObjectContent(entry.info(), Arrays.copyOf(entry.bytes(), length));
    }

    @Override
    public synchronized ObjectInfo write(StoreUri uri, byte[] bytes, WriteCondition condition)
            throws ConditionFailedException, UnsupportedStoreOperationException {
        objectKey(uri);
        Optional<Capability> needed = condition.requiredCapability();
        if (needed.isPresent() && !capabilities.contains(needed.get())) {
            throw new UnsupportedStoreOperationException(uri, "this store cannot write " + uri + " with the condition "
                    + condition.kind() + " (it lacks " + needed.get() + ")", null);
        }
        Entry current = objects.get(key(uri));
        switch (condition.kind()) {
            case OVERWRITE -> { }
            case IF_ABSENT -> {
                if (current != null) {
                    throw new ObjectAlreadyExistsException(uri, uri + " already exists", null);
                }
            }
            case IF_VERSION_MATCHES -> {
                if (current == null) {
                    throw new ConditionFailedException(uri, uri + " no longer exists", null);
                }
                if (!current.info().version().equals(condition.expectedVersion().orElseThrow())) {
                    throw new ConditionFailedException(uri, uri + " changed since it was read", null);
                }
            }
        }
        return put(uri, bytes.clone());
    }

    @Override
    public synchronized ObjectInfo copy(ObjectInfo source, StoreUri target) throws StoreException {
        source.uri().requireCopyTo(target, schemes, nameLimits());
        Entry entry = objects.get(objectKey(source.uri()));
        source.requireCurrent(Optional.ofNullable(entry).map(e -> e.info().version()));
        return put(target, entry.bytes());
    }

    @Override
    public synchronized void delete(StoreUri uri) {
        objects.remove(objectKey(uri));
    }

    private ObjectInfo put(StoreUri uri, byte[] bytes) {
        ObjectInfo info = new ObjectInfo(uri, bytes.length, clock.instant(), Long.toString(nextVersion++));
        objects.put(objectKey(uri), new Entry(bytes, info));
        return info;
    }

    /** The key of a directory (which may be a container root). */
    private String key(StoreUri uri) {
        uri.requireScheme(schemes);
        return uri.scheme() + "://" + uri.authority() + (uri.path().isEmpty() ? "" : "/" + uri.path());
    }

    /** The key of an object: never a container root. */
    private String objectKey(StoreUri uri) {
        return key(uri.requireObject(schemes));
    }
}
