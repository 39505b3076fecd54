package dev.laststate.store;

import java.util.Objects;

/**
 * Bytes read from an object together with the object's state at the time of the read, so a later
 * conditional write can refer to exactly the version whose bytes were seen.
 *
 * @param info the object as it was when read
 * @param bytes its bytes, or the first {@code maxBytes} of them
 */
public record ObjectContent(ObjectInfo info, byte[] bytes) {
    public ObjectContent {
        Objects.requireNonNull(info, "info");
        Objects.requireNonNull(bytes, "bytes");
    }

    /** Whether fewer bytes were read than the object holds. */
    public boolean truncated() {
        return bytes.length < info.size();
    }
}
