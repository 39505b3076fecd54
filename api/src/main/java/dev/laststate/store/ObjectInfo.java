package dev.laststate.store;

import java.time.Instant;
import java.util.Objects;

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

    /** The object's name within its directory. */
    public String name() {
        return uri.name();
    }
}
