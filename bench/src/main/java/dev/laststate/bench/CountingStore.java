package dev.laststate.bench;

import dev.laststate.store.Capability;
import dev.laststate.store.CheckpointStore;
import dev.laststate.store.Listing;
import dev.laststate.store.NameLimit;
import dev.laststate.store.ObjectContent;
import dev.laststate.store.ObjectInfo;
import dev.laststate.store.StoreException;
import dev.laststate.store.StoreUri;
import dev.laststate.store.WriteCondition;
import java.io.InputStream;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * A store that counts the calls made through it, by method, and the bytes of its writes; everything else is the
 * delegate's. For a store without an HTTP interceptor (the local file store), these are its requests.
 */
final class CountingStore implements CheckpointStore {

    private final CheckpointStore delegate;
    private final Map<String, LongAdder> calls = new ConcurrentHashMap<>();
    private final LongAdder writtenBytes = new LongAdder();

    CountingStore(CheckpointStore delegate) {
        this.delegate = delegate;
    }

    private void count(String call) {
        calls.computeIfAbsent(call, k -> new LongAdder()).increment();
    }

    /** Calls since the last reset, by method, sorted by name. */
    Map<String, Long> counts() {
        Map<String, Long> sorted = new TreeMap<>();
        calls.forEach((call, count) -> sorted.put(call, count.sum()));
        sorted.values().removeIf(count -> count == 0);
        return sorted;
    }

    /** The bytes of every {@link #write} since the last reset. */
    long writtenBytes() {
        return writtenBytes.sum();
    }

    void reset() {
        calls.clear();
        writtenBytes.reset();
    }

    @Override
    public Set<String> schemes() {
        return delegate.schemes();
    }

    @Override
    public Set<Capability> capabilities() {
        return delegate.capabilities();
    }

    @Override
    public List<NameLimit> nameLimits() {
        return delegate.nameLimits();
    }

    @Override
    public Listing list(StoreUri directory) throws StoreException {
        count("list");
        return delegate.list(directory);
    }

    @Override
    public Optional<ObjectInfo> stat(StoreUri uri) throws StoreException {
        count("stat");
        return delegate.stat(uri);
    }

    @Override
    public ObjectContent read(StoreUri uri, long maxBytes) throws StoreException {
        count("read");
        return delegate.read(uri, maxBytes);
    }

    @Override
    public ObjectContent read(StoreUri uri) throws StoreException {
        count("read");
        return delegate.read(uri);
    }

    @Override
    public ObjectInfo write(StoreUri uri, byte[] bytes, WriteCondition condition) throws StoreException {
        count("write");
        writtenBytes.add(bytes.length);
        return delegate.write(uri, bytes, condition);
    }

    @Override
    public InputStream readStream(StoreUri uri, Optional<String> version, long offset, long length) throws StoreException {
        count("read");
        return delegate.readStream(uri, version, offset, length);
    }

    @Override
    public ObjectInfo writeStream(StoreUri uri, InputStream content, long length) throws StoreException {
        count("write");
        writtenBytes.add(length);
        return delegate.writeStream(uri, content, length);
    }

    @Override
    public ObjectInfo copy(ObjectInfo source, StoreUri target) throws StoreException {
        count("copy");
        return delegate.copy(source, target);
    }

    @Override
    public void delete(StoreUri uri) throws StoreException {
        count("delete");
        delegate.delete(uri);
    }

    @Override
    public void deleteAll(Collection<StoreUri> uris) throws StoreException {
        count("deleteAll");
        delegate.deleteAll(uris);
    }

    @Override
    public void close() throws StoreException {
        delegate.close();
    }
}
