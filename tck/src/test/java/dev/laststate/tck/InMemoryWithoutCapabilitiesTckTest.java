package dev.laststate.tck;

import dev.laststate.store.CheckpointStore;
import dev.laststate.store.StoreUri;
import dev.laststate.store.memory.InMemoryCheckpointStore;
import java.util.Set;

/**
 * The whole TCK on an in-memory store that declares no capability: the capability-gated tests show as
 * disabled and their twins run, proving that a store without a capability refuses the operation and
 * that promotion still works with unconditional writes.
 */
class InMemoryWithoutCapabilitiesTckTest extends CheckpointStoreTck {

    @Override
    protected StoreFixture createFixture() {
        CheckpointStore store = InMemoryCheckpointStore.withCapabilities(Set.of());
        return new StoreFixture() {
            private int next;

            @Override
            public CheckpointStore store() {
                return store;
            }

            @Override
            public StoreUri freshRoot() {
                return StoreUri.parse("memory://tck/root-" + (next++));
            }
        };
    }
}
