package dev.laststate.flink;

import dev.laststate.store.StoreException;
import dev.laststate.store.StoreUri;

/**
 * A check of a copied snapshot that runs after every file is in the target and before {@code _metadata} is
 * committed, so a snapshot that would not restore never replaces one that does. The {@code verify} module
 * provides one that reads the metadata with Flink's own classes and checks every file it references.
 */
@FunctionalInterface
public interface PreCommitCheck {

    /**
     * Checks that {@code metadata}, once it is {@code <target>/_metadata}, restores from the files in
     * {@code target} (and those it references by absolute location).
     *
     * @throws NotRestorableException when it would not, with a one-line reason
     */
    void check(StoreUri target, byte[] metadata) throws StoreException, NotRestorableException;
}
