package dev.laststate.flink;

import dev.laststate.store.StoreUri;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The names relocated state gets in a target: {@code state/<16 hex>-<file name>}, the hex digits being the start of
 * the SHA-256 of the source file's directory. One flat directory: deleting an older generation's files leaves no
 * empty directory behind on stores that have directories. A name depends on its source only, so the same source file gets the
 * same name in every promotion (which is what lets an unchanged file stay where an earlier generation copied it),
 * and two sources that share a file name but not a directory never overwrite each other (Flink's {@code shared/}
 * files of two jobs, two operators' ForSt directories, a checkpoint's exclusive files and another's).
 */
public final class RelocatedNames {

    /** The directory of the target that holds relocated state; laststate reserves it there. */
    public static final String STATE_DIRECTORY = "state";

    private RelocatedNames() {}

    /** The name of the whole file {@code source}. */
    public static String file(StoreUri source) {
        return STATE_DIRECTORY + "/" + directoryKey(source) + "-" + source.name();
    }

    /** The name of the range {@code [offset, offset + length)} of {@code source}, extracted into a file of its own. */
    public static String segment(StoreUri source, long offset, long length) {
        return STATE_DIRECTORY + "/" + directoryKey(source) + "-" + source.name() + "." + offset + "-" + length;
    }

    private static String directoryKey(StoreUri source) {
        String directory = source.parent().map(StoreUri::toString).orElse(source.toString());
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(directory.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
