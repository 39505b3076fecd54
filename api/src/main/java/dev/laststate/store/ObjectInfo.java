package dev.laststate.store;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What a store knows about one object.
 *
 * @param uri where the object is
 * @param size its length in bytes
 * @param lastModified when it was last written
 * @param version an opaque token that changes whenever the object's content changes (an ETag, a
 *     generation, a file identity; rewriting identical bytes may keep it); the argument of
 *     {@link WriteCondition#ifVersionMatches(String)}
 */
public record ObjectInfo(StoreUri uri, long size, Instant lastModified, String version) {
    public ObjectInfo {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(lastModified, "lastModified");
        Objects.requireNonNull(version, "version");
        if (size < 0) {
            throw new IllegalArgumentException("negative size " + size + " for " + uri);
        }
    }

    /**
     * Checks this object, as a caller listed it, against the version the store now has, for a copy that must
     * copy exactly what was listed (see {@link CheckpointStore#copy}).
     *
     * @param current the version now at {@link #uri()}, empty when nothing is there
     * @throws StoreNotFoundException when it is gone
     * @throws ConditionFailedException when it has another version
     */
    public void requireCurrent(Optional<String> current) throws StoreNotFoundException, ConditionFailedException {
        requireCurrent(current, "copy");
    }

    /** As {@link #requireCurrent(Optional)}, for another {@code action} than a copy (as in "cannot read ..."). */
    public void requireCurrent(Optional<String> current, String action) throws StoreNotFoundException, ConditionFailedException {
        if (current.isEmpty()) {
            throw StoreNotFoundException.noSuchObject(uri, action);
        }
        if (!current.get().equals(version)) {
            throw new ConditionFailedException(uri, "cannot " + action + " " + uri + ": it changed since it was listed (version "
                    + current.get() + ", not " + version + ")", null);
        }
    }

    /** The object's name within its directory. */
    public String name() {
        return uri.name();
    }
}
