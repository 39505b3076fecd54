package dev.laststate.tck;

import java.nio.charset.StandardCharsets;
import java.util.Random;

/** Reproducible test bytes for {@link StoreContract}. */
final class StoreTestData {

    /** One mebibyte. */
    static final int MIB = 1024 * 1024;

    private StoreTestData() {}

    /** {@code size} pseudo-random bytes; the same seed gives the same bytes on every run. */
    static byte[] randomBytes(long seed, int size) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
