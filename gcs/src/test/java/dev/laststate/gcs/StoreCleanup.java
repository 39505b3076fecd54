package dev.laststate.gcs;

import dev.laststate.store.CheckpointStore;
import dev.laststate.store.Listing;
import dev.laststate.store.ObjectInfo;
import dev.laststate.store.StoreException;
import dev.laststate.store.StoreUri;

/** Removes what a TCK run left in a shared bucket, one level at a time. */
final class StoreCleanup {

    private StoreCleanup() {}

    static void deleteTree(CheckpointStore store, StoreUri directory) throws StoreException {
        Listing listing = store.list(directory);
        store.deleteAll(listing.objects().stream().map(ObjectInfo::uri).toList());
        for (String child : listing.directories()) {
            deleteTree(store, directory.resolve(child));
        }
    }
}
