package dev.laststate.tck;

import dev.laststate.store.CheckpointStore;
import dev.laststate.store.StoreUri;
import dev.laststate.store.memory.InMemoryCheckpointStore;

/** The whole TCK on the in-memory store with every capability. */
class InMemoryStoreTckTest extends CheckpointStoreTck {

    @Override
    protected StoreFixture createFixture() {
        CheckpointStore store = new InMemoryCheckpointStore();
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
