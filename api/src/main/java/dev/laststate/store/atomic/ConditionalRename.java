package dev.laststate.store.atomic;

import dev.laststate.store.ConditionFailedException;
import dev.laststate.store.ObjectAlreadyExistsException;
import dev.laststate.store.StoreException;
import dev.laststate.store.StoreUri;
import dev.laststate.store.WriteCondition;
import java.io.IOException;
import java.util.Optional;

/**
 * Moves a written temporary file into place under a {@link WriteCondition}: "overwrite" is a plain rename;
 * "only if absent" is the file system's own exclusive create where it has one; otherwise, and for "only if the
 * version matches", the current version is compared and the file renamed while holding the directory's lock, so
 * no other writer of the same store, in this process or another, changes the object between the two.
 */
public final class ConditionalRename {

    private final DirectoryLocks locks;

    public ConditionalRename(DirectoryLocks locks) {
        this.locks = locks;
    }

    /**
     * Renames {@code temp} onto {@code target} (the location {@code uri}) if {@code condition} holds; otherwise
     * leaves both as they are and throws.
     *
     * @throws ObjectAlreadyExistsException for "only if absent" when something is at {@code target}
     * @throws ConditionFailedException for "only if the version matches" when the object is gone or has another version
     * @throws dev.laststate.store.StoreUnavailableException when the directory's lock was not free within the wait
     */
    public <P> void publish(RenamingFileSystem<P> fs, StoreUri uri, P temp, P target, WriteCondition condition) throws IOException {
        switch (condition.kind()) {
            case OVERWRITE -> fs.replace(temp, target);
            case IF_ABSENT -> {
                if (!fs.createExclusively(uri, temp, target)) {
                    replaceUnderLock(fs, uri, temp, target, condition);
                }
            }
            case IF_VERSION_MATCHES -> replaceUnderLock(fs, uri, temp, target, condition);
        }
    }

    private <P> void replaceUnderLock(RenamingFileSystem<P> fs, StoreUri uri, P temp, P target, WriteCondition condition)
            throws IOException {
        P directory = fs.directoryOf(target);
        locks.whileHolding(fs.key(directory), fs.lock(uri, directory), () -> {
            requireMet(uri, condition, fs.version(uri, target));
            fs.replace(temp, target);
        });
    }

    /**
     * Refuses a write of {@code uri} whose {@code condition} the object's {@code current} version (empty when
     * there is none) does not meet.
     */
    public static void requireMet(StoreUri uri, WriteCondition condition, Optional<String> current) throws StoreException {
        switch (condition.kind()) {
            case OVERWRITE -> { }
            case IF_ABSENT -> {
                if (current.isPresent()) {
                    throw alreadyExists(uri, null);
                }
            }
            case IF_VERSION_MATCHES -> {
                String expected = condition.expectedVersion().orElseThrow();
                if (current.isEmpty()) {
                    throw new ConditionFailedException(uri, uri + " no longer exists (expected version " + expected + ")", null);
                }
                if (!current.get().equals(expected)) {
                    throw new ConditionFailedException(uri, uri + " changed since it was read", null);
                }
            }
        }
    }

    /** The refusal of "only if absent", for a file system's exclusive create as for the compare. */
    public static ObjectAlreadyExistsException alreadyExists(StoreUri uri, Throwable cause) {
        return new ObjectAlreadyExistsException(uri, uri + " already exists", cause);
    }
}
