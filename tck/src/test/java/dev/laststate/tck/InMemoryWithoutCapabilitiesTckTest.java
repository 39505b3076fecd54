package dev.laststate.tck;

import dev.laststate.store.StoreUri;
import dev.laststate.store.memory.InMemoryCheckpointStore;
import java.util.Set;

/**
 * The whole TCK on an in-memory store that declares no capability: the capability-gated tests show as
 * skipped and their twins run, proving that a store without a capability refuses the operation and
 * that promotion still works with unconditional writes.
 */
class InMemoryWithoutCapabilitiesTckTest extends CheckpointStoreTck {

    @Override
    protected StoreFixture createFixture() {
        return StoreFixture.of(InMemoryCheckpointStore.withCapabilities(Set.of()), n -> StoreUri.parse("memory://tck/root-" + n))
                .withOtherContainer(StoreUri.parse("memory://tck-other/elsewhere"));
    }
}
