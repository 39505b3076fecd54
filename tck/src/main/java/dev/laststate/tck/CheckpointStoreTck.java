package dev.laststate.tck;

import dev.laststate.store.Capability;
import dev.laststate.store.CheckpointStore;
import dev.laststate.store.StoreUri;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;

/**
 * The contract every {@link CheckpointStore} runs. A backend extends this class in a test class named
 * {@code <Something>TckTest} and implements the one hook, {@link #createFixture()}. The fixture (and so
 * the emulator behind it) is started once per class; every test gets a fresh root.
 *
 * <p>The suite's parts: {@link StoreContract} (listing, stat and read, conditional writes, copy, delete),
 * {@link StoreEdgesContract} (another scheme, the container root, names over the store's limits, unrepresentable names, a copy to another container, a missing container),
 * {@link SelectionContract} (the newest complete snapshot over Flink layouts) and
 * {@link PromotionContract} (whole-directory copy, {@code _metadata} last, generations, guards, racing
 * promoters) and {@link PromotionSafetyContract} (the protocol under attack: racing clean-up, corrupt
 * {@code _metadata}, unknown outcomes, runs that die at each step) and {@link ManagedTargetContract} (the init
 * marker's conditional create, and "nothing found" told from "nothing laststate knows") and {@link RelocationContract}
 * (a self-contained target: every referenced file copied, unchanged ones not again, unreferenced ones deleted, no
 * two sources colliding) and {@link StreamContract} (streamed reads and writes: the range and version asked for, a
 * write whole or not at all, promotions into and from another store). Tests that need a capability the store lacks show as disabled with the reason; each has a
 * twin that checks the store refuses the operation.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class CheckpointStoreTck
        implements StoreContract, StoreEdgesContract, SelectionContract, PromotionContract, PromotionSafetyContract,
        ManagedTargetContract, RelocationContract, StreamContract {

    private StoreFixture fixture;
    private StoreUri root;

    /** The hook: start the store (or its emulator) for this class. */
    protected abstract StoreFixture createFixture() throws Exception;

    @BeforeAll
    final void startFixture() throws Exception {
        fixture = createFixture();
    }

    @AfterAll
    final void stopFixture() throws Exception {
        if (fixture != null) {
            fixture.close();
        }
    }

    @BeforeEach
    final void freshRoot() throws Exception {
        root = fixture.freshRoot();
    }

    @Override
    public final StoreFixture fixture() {
        return fixture;
    }

    @Override
    public final CheckpointStore store() {
        return fixture.store();
    }

    @Override
    public final StoreUri root() {
        return root;
    }
}
