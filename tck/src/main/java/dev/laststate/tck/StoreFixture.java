package dev.laststate.tck;

import dev.laststate.store.Capability;
import dev.laststate.store.CheckpointStore;
import dev.laststate.store.StoreUri;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * The one thing a backend gives the TCK: a store, started once per test class, and a fresh, empty root
 * for each test.
 */
public interface StoreFixture extends AutoCloseable {

    /** The store under test. */
    CheckpointStore store();

    /** A new directory no other test uses, empty and possibly not yet existing. */
    StoreUri freshRoot() throws Exception;

    /**
     * Capabilities the store declares but this environment cannot prove (an emulator's gap), each with the
     * reason. Tests that need them show as disabled with that reason; a fixture may only narrow, never add.
     */
    default Map<Capability, String> narrowedCapabilities() {
        return Map.of();
    }

    /**
     * Behaviours of real storage that this environment does not reproduce (see {@link EmulatorGap}), each
     * with the reason. Tests marked {@link RequiresFaithful} with one of them show as disabled with that
     * reason; the store's code for the behaviour must then be tested elsewhere.
     */
    default Map<EmulatorGap, String> emulatorGaps() {
        return Map.of();
    }

    /**
     * A fixture for a store that needs nothing started: root {@code n} of the class is {@code root.apply(n)}.
     * Closing it closes the store.
     */
    static StoreFixture of(CheckpointStore store, IntFunction<StoreUri> root) {
        return of(store, root, () -> { });
    }

    /**
     * A fixture for a store on a server the fixture started (an emulator): root {@code n} of the class is
     * {@code root.apply(n)}. Closing it closes the store, then {@code server}, even when the store's close fails.
     */
    static StoreFixture of(CheckpointStore store, IntFunction<StoreUri> root, AutoCloseable server) {
        AtomicInteger next = new AtomicInteger();
        return new StoreFixture() {
            @Override
            public CheckpointStore store() {
                return store;
            }

            @Override
            public StoreUri freshRoot() {
                return root.apply(next.getAndIncrement());
            }

            @Override
            public void close() throws Exception {
                try (server) {
                    store.close();
                }
            }
        };
    }

    /**
     * A location in a bucket or container that does not exist, for the edge "a missing container is a
     * {@link dev.laststate.store.ContainerNotFoundException} from every method"; empty for a store without
     * containers (the file store), and the test shows as disabled with that reason.
     */
    default Optional<StoreUri> missingContainer() {
        return Optional.empty();
    }

    /**
     * A directory in another bucket or container than the roots', one that exists and the store reaches, for the
     * edge "a copy to another container is refused before anything is sent"; empty for a store with one container
     * (the file store), and the test shows as disabled with that reason.
     */
    default Optional<StoreUri> otherContainer() {
        return Optional.empty();
    }

    /** How to plant a name no location can hold; empty where the environment cannot (the test then shows as disabled). */
    default Optional<UnrepresentableNames> unrepresentableNames() {
        return Optional.empty();
    }

    /** This fixture, declaring also the capabilities its environment cannot prove, each with the reason. */
    default StoreFixture narrowing(Map<Capability, String> narrowed) {
        return DeclaringStoreFixture.of(this).narrowing(narrowed);
    }

    /** This fixture, declaring also the behaviours of real storage its environment lacks, each with the reason. */
    default StoreFixture withEmulatorGaps(Map<EmulatorGap, String> gaps) {
        return DeclaringStoreFixture.of(this).withEmulatorGaps(gaps);
    }

    /** This fixture, with {@code location} in a container that does not exist (see {@link #missingContainer()}). */
    default StoreFixture withMissingContainer(StoreUri location) {
        return DeclaringStoreFixture.of(this).withMissingContainer(location);
    }

    /** This fixture, with {@code directory} in another existing container (see {@link #otherContainer()}). */
    default StoreFixture withOtherContainer(StoreUri directory) {
        return DeclaringStoreFixture.of(this).withOtherContainer(directory);
    }

    /** This fixture, able to plant names no location can hold (see {@link #unrepresentableNames()}). */
    default StoreFixture withUnrepresentableNames(UnrepresentableNames names) {
        return DeclaringStoreFixture.of(this).withUnrepresentableNames(names);
    }

    /** Stops what the fixture started. */
    @Override
    default void close() throws Exception {
        store().close();
    }
}
