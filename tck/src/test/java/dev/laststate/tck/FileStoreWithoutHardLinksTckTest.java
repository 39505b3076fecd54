package dev.laststate.tck;

import dev.laststate.store.StoreUri;
import dev.laststate.store.file.FileCheckpointStore;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The whole TCK on the local store as it runs on file systems without hard links (the lock-file path). */
class FileStoreWithoutHardLinksTckTest extends CheckpointStoreTck {

    @TempDir
    Path base;

    @Override
    protected StoreFixture createFixture() {
        return StoreFixture.of(FileCheckpointStore.withoutHardLinks(), n -> StoreUri.ofLocalPath(base.resolve("root-" + n).toString()))
                .withUnrepresentableNames(FileStoreTckTest::plantControlCharacterName);
    }
}
