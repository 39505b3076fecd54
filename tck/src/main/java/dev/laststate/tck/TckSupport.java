package dev.laststate.tck;

import dev.laststate.store.Capability;
import dev.laststate.store.CheckpointStore;
import dev.laststate.store.ObjectInfo;
import dev.laststate.store.StoreException;
import dev.laststate.store.StoreUri;
import dev.laststate.store.WriteCondition;
import java.nio.charset.StandardCharsets;

/** What every part of the TCK sees: the store, this test's fresh root, and small helpers. */
public interface TckSupport {

    /** The store under test. */
    CheckpointStore store();

    /** This test's own empty root. */
    StoreUri root();

    /** Whether the store declares the capability and the fixture did not narrow it. */
    boolean supports(Capability capability);

    /** Writes {@code text} (UTF-8) to {@code relative} below the root, replacing what is there. */
    default ObjectInfo put(String relative, String text) throws StoreException {
        return put(root().resolve(relative), text.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes {@code bytes} to {@code uri}, replacing what is there. */
    default ObjectInfo put(StoreUri uri, byte[] bytes) throws StoreException {
        return store().write(uri, bytes, WriteCondition.overwrite());
    }

    /** The object's bytes as UTF-8 text. */
    default String text(StoreUri uri) throws StoreException {
        return new String(store().read(uri).bytes(), StandardCharsets.UTF_8);
    }
}
