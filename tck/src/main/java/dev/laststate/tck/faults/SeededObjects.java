package dev.laststate.tck.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.laststate.store.CheckpointStore;
import dev.laststate.store.ObjectInfo;
import dev.laststate.store.StoreException;
import dev.laststate.store.StoreUri;
import dev.laststate.store.WriteCondition;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Two objects a fault suite seeds under a fresh root without faults, {@code dir/source} (long enough to cut in
 * half) and {@code dir/other}, and the check that a faulted operation left them, and {@code dir/fresh}, as they were.
 */
public record SeededObjects(StoreUri root, ObjectInfo source, ObjectInfo other) {

    /** Writes the two objects under {@code root} through {@code direct}, a store without faults. */
    public static SeededObjects seed(CheckpointStore direct, StoreUri root) throws StoreException {
        return new SeededObjects(root,
                direct.write(root.resolve("dir/source"), utf8("the source, long enough to be cut in half"), WriteCondition.overwrite()),
                direct.write(root.resolve("dir/other"), utf8("other"), WriteCondition.overwrite()));
    }

    /** The directory both objects are in. */
    public StoreUri dir() {
        return root.resolve("dir");
    }

    /** A location nothing was written to, for a write if absent. */
    public StoreUri fresh() {
        return root.resolve("dir/fresh");
    }

    /** Whether {@code direct} still sees the seeded objects in their versions, and nothing at {@link #fresh()}. */
    public boolean unchanged(CheckpointStore direct) throws StoreException {
        return direct.stat(source.uri()).map(ObjectInfo::version).equals(Optional.of(source.version()))
                && direct.stat(other.uri()).map(ObjectInfo::version).equals(Optional.of(other.version()))
                && direct.stat(fresh()).isEmpty();
    }

    /** Checks what {@link #unchanged} says, each part on its own, and that a read answers the source's version. */
    public void assertUnchanged(CheckpointStore direct) throws StoreException {
        assertThat(direct.stat(source.uri())).hasValueSatisfying(o -> assertThat(o.version()).isEqualTo(source.version()));
        assertThat(direct.stat(other.uri())).hasValueSatisfying(o -> assertThat(o.version()).isEqualTo(other.version()));
        assertThat(direct.stat(fresh())).isEmpty();
        assertThat(direct.read(source.uri()).info().version()).isEqualTo(source.version());
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
