package dev.laststate.tck;

import dev.laststate.store.Capability;
import dev.laststate.store.CheckpointStore;
import dev.laststate.store.Listing;
import dev.laststate.store.ObjectInfo;
import dev.laststate.store.StoreException;
import dev.laststate.store.StoreUri;
import dev.laststate.store.WriteCondition;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/** What every part of the TCK sees: the store, this test's fresh root, and small helpers. */
public interface TckSupport {

    /** The store under test. */
    CheckpointStore store();

    /** This test's own empty root. */
    StoreUri root();

    /** The fixture: what the environment declares beyond the store (narrowed capabilities, gaps, edges it can stage). */
    StoreFixture fixture();

    /** Whether the store declares the capability and the fixture did not narrow it: what gated tests run on. */
    default boolean supports(Capability capability) {
        return store().capabilities().contains(capability) && !fixture().narrowedCapabilities().containsKey(capability);
    }

    /** Writes {@code text} (UTF-8) to {@code relative} below the root, replacing what is there. */
    default ObjectInfo put(String relative, String text) throws StoreException {
        return put(root().resolve(relative), text.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes {@code bytes} to {@code uri}, replacing what is there. */
    default ObjectInfo put(StoreUri uri, byte[] bytes) throws StoreException {
        return store().write(uri, bytes, WriteCondition.overwrite());
    }

    /** Every object below {@code dir} (every level), by its name relative to {@code dir}, with its version. */
    default Map<String, String> objectsBelow(StoreUri dir) throws StoreException {
        Map<String, String> found = new TreeMap<>();
        collectObjects(dir, dir, found);
        return found;
    }

    private void collectObjects(StoreUri base, StoreUri dir, Map<String, String> into) throws StoreException {
        Listing listing = store().list(dir);
        for (ObjectInfo object : listing.objects()) {
            into.put(base.relativize(object.uri()), object.version());
        }
        for (String sub : listing.directories()) {
            collectObjects(base, dir.resolve(sub), into);
        }
    }

    /** The object's bytes as UTF-8 text. */
    default String text(StoreUri uri) throws StoreException {
        return new String(store().read(uri).bytes(), StandardCharsets.UTF_8);
    }
}
