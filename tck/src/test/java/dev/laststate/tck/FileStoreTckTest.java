package dev.laststate.tck;

import dev.laststate.store.CheckpointStore;
import dev.laststate.store.StoreUri;
import dev.laststate.store.file.FileCheckpointStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** The whole TCK on the embedded local store, in a temporary directory. */
class FileStoreTckTest extends CheckpointStoreTck {

    @Override
    protected StoreFixture createFixture() throws Exception {
        Path base = Files.createTempDirectory("laststate-tck");
        CheckpointStore store = new FileCheckpointStore();
        return new StoreFixture() {
            private int next;

            @Override
            public CheckpointStore store() {
                return store;
            }

            @Override
            public StoreUri freshRoot() {
                return StoreUri.ofLocalPath(base.resolve("root-" + (next++)).toString());
            }

            @Override
            public void close() throws Exception {
                try (Stream<Path> paths = Files.walk(base)) {
                    paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        };
    }
}
