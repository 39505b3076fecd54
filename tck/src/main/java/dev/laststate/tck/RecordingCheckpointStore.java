package dev.laststate.tck;

import dev.laststate.store.Capability;
import dev.laststate.store.CheckpointStore;
import dev.laststate.store.Listing;
import dev.laststate.store.ObjectContent;
import dev.laststate.store.ObjectInfo;
import dev.laststate.store.StoreException;
import dev.laststate.store.StoreUri;
import dev.laststate.store.WriteCondition;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A decorator that records every call to the store it wraps, in order, and can run a hook before each
 * call (to inject a failure, or to let "Flink" delete a checkpoint in the middle of a promotion).
 */
public final class RecordingCheckpointStore implements CheckpointStore {

    /** The store operations, as recorded. */
    public enum Operation { LIST, STAT, READ, WRITE, COPY, DELETE }

    /**
     * One call.
     *
     * @param operation what was called
     * @param uri the location it was about (for a copy, the target)
     * @param source for a copy, its source
     * @param condition for a write, its condition
     */
    public record Call(Operation operation, StoreUri uri, Optional<StoreUri> source, Optional<WriteCondition> condition) {}

    /** Runs before each call; may throw to make the call fail. */
    @FunctionalInterface
    public interface Hook {
        void before(Call call) throws StoreException;
    }

    private final CheckpointStore delegate;
    private final List<Call> calls = new ArrayList<>();
    private volatile Hook hook = call -> { };

    public RecordingCheckpointStore(CheckpointStore delegate) {
        this.delegate = delegate;
    }

    /** Sets the hook that runs before every later call. */
    public RecordingCheckpointStore onCall(Hook newHook) {
        this.hook = newHook;
        return this;
    }

    /** Every call so far, in order. */
    public synchronized List<Call> calls() {
        return List.copyOf(calls);
    }

    /** How many calls of this operation were made. */
    public synchronized long count(Operation operation) {
        return calls.stream().filter(c -> c.operation() == operation).count();
    }

    /** The calls that change the store: writes, copies and deletes. */
    public synchronized List<Call> mutations() {
        return calls.stream()
                .filter(c -> c.operation() == Operation.WRITE || c.operation() == Operation.COPY || c.operation() == Operation.DELETE)
                .toList();
    }

    /** Forgets the calls recorded so far. */
    public synchronized void clear() {
        calls.clear();
    }

    private void record(Call call) throws StoreException {
        synchronized (this) {
            calls.add(call);
        }
        hook.before(call);
    }

    private void record(Operation operation, StoreUri uri) throws StoreException {
        record(new Call(operation, uri, Optional.empty(), Optional.empty()));
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
    public Listing list(StoreUri directory) throws StoreException {
        record(Operation.LIST, directory);
        return delegate.list(directory);
    }

    @Override
    public Optional<ObjectInfo> stat(StoreUri uri) throws StoreException {
        record(Operation.STAT, uri);
        return delegate.stat(uri);
    }

    @Override
    public ObjectContent read(StoreUri uri, long maxBytes) throws StoreException {
        record(Operation.READ, uri);
        return delegate.read(uri, maxBytes);
    }

    @Override
    public ObjectInfo write(StoreUri uri, byte[] bytes, WriteCondition condition) throws StoreException {
        record(new Call(Operation.WRITE, uri, Optional.empty(), Optional.of(condition)));
        return delegate.write(uri, bytes, condition);
    }

    /** Recorded as a {@link Operation#READ}: one request, like a read. */
    @Override
    public InputStream readStream(StoreUri uri, Optional<String> version, long offset, long length) throws StoreException {
        record(Operation.READ, uri);
        return delegate.readStream(uri, version, offset, length);
    }

    /** Recorded as a {@link Operation#WRITE} that overwrites. */
    @Override
    public ObjectInfo writeStream(StoreUri uri, InputStream content, long length) throws StoreException {
        record(new Call(Operation.WRITE, uri, Optional.empty(), Optional.of(WriteCondition.overwrite())));
        return delegate.writeStream(uri, content, length);
    }

    @Override
    public ObjectInfo copy(ObjectInfo source, StoreUri target) throws StoreException {
        record(new Call(Operation.COPY, target, Optional.of(source.uri()), Optional.empty()));
        return delegate.copy(source, target);
    }

    @Override
    public void delete(StoreUri uri) throws StoreException {
        record(Operation.DELETE, uri);
        delegate.delete(uri);
    }

    @Override
    public void deleteAll(Collection<StoreUri> uris) throws StoreException {
        for (StoreUri uri : uris) {
            record(Operation.DELETE, uri);
        }
        delegate.deleteAll(uris);
    }

    @Override
    public void close() throws StoreException {
        delegate.close();
    }
}
