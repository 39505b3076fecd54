package dev.laststate.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ListingTest {

    private static final StoreUri DIR = StoreUri.parse("s3://b/dir");

    @Test
    void sortedOrdersByJavaStringOrderAndKeepsADirectoryOnce() {
        // UTF-8 byte order puts U+FFFD before U+1F600 (an emoji); Java String order puts the emoji first.
        String replacement = "\uFFFD";
        String emoji = new String(Character.toChars(0x1F600));
        Listing listing = Listing.sorted(DIR, List.of("b", replacement, emoji, "a", "b"),
                List.of(object(replacement), object(emoji), object("a")), List.of("z", "y"));

        assertThat(listing.directories()).containsExactly("a", "b", emoji, replacement);
        assertThat(listing.objects()).extracting(ObjectInfo::name).containsExactly("a", emoji, replacement);
        assertThat(listing.skipped()).containsExactly("y", "z");
    }

    private static ObjectInfo object(String name) {
        return new ObjectInfo(DIR.resolve(name), 1, Instant.EPOCH, "v");
    }
}
