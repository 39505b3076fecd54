package dev.laststate.examples.demo;

import dev.laststate.store.StoreUri;
import dev.laststate.tck.CheckpointStoreTck;
import dev.laststate.tck.StoreFixture;
import java.util.Set;

/**
 * The whole TCK on the demo store: the worked example of {@code tck/README.md}.
 *
 * <p>Nothing is narrowed and no emulator gap is declared, because nothing would be honest: the store under
 * test is the store itself, not an emulator standing in for a service, so every capability it declares can be
 * proven here, and it has no page loop, upload or timestamp rounding that an environment could fail to
 * reproduce. The only disabled tests are the refusal twins of the capabilities it declares.
 */
class DemoStoreTckTest extends CheckpointStoreTck {

    private static final String CONTAINER = "tck";
    private static final String OTHER_CONTAINER = "tck-other";

    @Override
    protected StoreFixture createFixture() {
        DemoCheckpointStore store = new DemoCheckpointStore(new DemoStoreConfig(Set.of(CONTAINER, OTHER_CONTAINER)));
        return StoreFixture.of(store, n -> StoreUri.parse("mem+demo://" + CONTAINER + "/root-" + n))
                // A container the store was not opened with: every method must say ContainerNotFoundException.
                .withMissingContainer(StoreUri.parse("mem+demo://no-such-container/checkpoints"))
                // A second container the store has: a copy into it or out of it must be refused.
                .withOtherContainer(StoreUri.parse("mem+demo://" + OTHER_CONTAINER + "/checkpoints"))
                // A key with a control character, planted as an SDK could: the listing must skip it, not fail.
                .withUnrepresentableNames(directory -> {
                    String name = "bad\u0001name";
                    store.putKey(directory.authority(), directory.path() + "/" + name, new byte[] {1});
                    return name;
                });
    }
}
