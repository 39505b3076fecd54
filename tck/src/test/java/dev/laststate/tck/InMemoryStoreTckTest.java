package dev.laststate.tck;

import dev.laststate.store.StoreUri;
import dev.laststate.store.memory.InMemoryCheckpointStore;

/** The whole TCK on the in-memory store with every capability. */
class InMemoryStoreTckTest extends CheckpointStoreTck {

    @Override
    protected StoreFixture createFixture() {
        return StoreFixture.of(new InMemoryCheckpointStore(), n -> StoreUri.parse("memory://tck/root-" + n))
                .withOtherContainer(StoreUri.parse("memory://tck-other/elsewhere"));
    }
}
