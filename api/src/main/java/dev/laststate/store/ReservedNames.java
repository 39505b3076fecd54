package dev.laststate.store;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The names a store that writes through temporary files and locks (the local store, HDFS) keeps beside the
 * objects: {@code .laststate-lock} and {@code .laststate-tmp-<uuid>}. Such a store never lists its own names,
 * lists any other name of the prefix as skipped (it is not the store's, so a promotion must not silently
 * leave it behind), and removes its temporary files once they are older than {@link #ABANDONED_TEMP_AGE}: a
 * writer killed mid-write never renamed them into place.
 */
public final class ReservedNames {

    /** The prefix of every reserved name. */
    public static final String PREFIX = ".laststate-";
    /** The lock file of a directory. */
    public static final String LOCK_FILE = PREFIX + "lock";
    /** Age after which a temporary file counts as left behind by a killed writer. */
    public static final Duration ABANDONED_TEMP_AGE = Duration.ofHours(1);

    private static final String TEMP_PREFIX = PREFIX + "tmp-";
    private static final Pattern TEMPORARY = Pattern.compile(Pattern.quote(TEMP_PREFIX)
            + "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private ReservedNames() {}

    /** A fresh temporary name. */
    public static String newTemporaryName() {
        return TEMP_PREFIX + UUID.randomUUID();
    }

    /** Whether {@code name} is a temporary name this class gives out. */
    public static boolean isTemporary(String name) {
        return TEMPORARY.matcher(name).matches();
    }

    /** Whether {@code name} is the store's own: its lock file or one of its temporary files. */
    public static boolean isOwn(String name) {
        return name.equals(LOCK_FILE) || isTemporary(name);
    }

    /** Whether {@code name} has the reserved prefix. */
    public static boolean isReserved(String name) {
        return name.startsWith(PREFIX);
    }

    /** Whether a temporary file last modified at {@code lastModified} was abandoned by now. */
    public static boolean abandoned(Instant lastModified, Instant now) {
        return lastModified.isBefore(now.minus(ABANDONED_TEMP_AGE));
    }
}
