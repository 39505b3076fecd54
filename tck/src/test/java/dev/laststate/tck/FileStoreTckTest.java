package dev.laststate.tck;

import dev.laststate.store.StoreUri;
import dev.laststate.store.file.FileCheckpointStore;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The whole TCK on the embedded local store, in a temporary directory. */
class FileStoreTckTest extends CheckpointStoreTck {

    @TempDir
    Path base;

    @Override
    protected StoreFixture createFixture() {
        return StoreFixture.of(new FileCheckpointStore(), n -> StoreUri.ofLocalPath(base.resolve("root-" + n).toString()))
                .withUnrepresentableNames(FileStoreTckTest::plantControlCharacterName);
    }

    /** A file whose name holds a control character: Linux allows it, {@code StoreUri} does not. */
    static String plantControlCharacterName(StoreUri directory) throws Exception {
        String name = "bad\u0001name";
        Path dir = Files.createDirectories(directory.toLocalPath());
        Files.writeString(dir.resolve(name), "planted");
        return name;
    }
}
