package dev.laststate.store.atomic;

import dev.laststate.store.ObjectAlreadyExistsException;
import dev.laststate.store.StoreUri;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * The file-system calls behind a store that publishes an object by renaming a temporary file into place; each
 * store implements them with its own client.
 *
 * @param <P> the file system's path type
 */
public interface RenamingFileSystem<P> {

    /** The directory that holds {@code path}. */
    P directoryOf(P path);

    /** Names {@code directory} for this JVM's lock and the sweep: equal exactly for the same directory of the same file system. */
    String key(P directory);

    /** The version of the object at {@code target} (the location {@code uri}), empty when there is none. */
    Optional<String> version(StoreUri uri, P target) throws IOException;

    /** Renames {@code temp} onto {@code target} in one step, replacing what is there. */
    void replace(P temp, P target) throws IOException;

    /**
     * Puts {@code temp} at {@code target} in one step only if nothing is there (a rename that refuses an existing
     * target, a hard link).
     *
     * @return false, changing nothing, when this file system cannot do that; the caller then compares under the lock
     * @throws ObjectAlreadyExistsException when something is at {@code target}
     */
    boolean createExclusively(StoreUri uri, P temp, P target) throws IOException;

    /** The cross-process lock of {@code directory}, not yet taken, for a write of {@code uri}. */
    CrossProcessLock lock(StoreUri uri, P directory);

    /**
     * The files in {@code directory} whose names may be this store's temporary files; at least those that are.
     * The sweep picks its own among them by name, kind and age.
     */
    List<TemporaryFile<P>> temporaries(P directory) throws IOException;

    /** Deletes the file {@code path}; a missing file is no failure. */
    void delete(P path) throws IOException;
}
