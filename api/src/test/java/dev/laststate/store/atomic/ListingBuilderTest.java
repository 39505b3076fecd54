package dev.laststate.store.atomic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.laststate.store.Listing;
import dev.laststate.store.ObjectInfo;
import dev.laststate.store.ReservedNames;
import dev.laststate.store.StoreUri;
import dev.laststate.store.atomic.ListingBuilder.Kind;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ListingBuilderTest {

    private static final StoreUri DIR = StoreUri.parse("file:///chk-7");

    @Test
    void theStoresOwnFilesAreLeftOutAndEverythingNotAnObjectOrDirectoryIsSkipped() throws Exception {
        ListingBuilder builder = new ListingBuilder(DIR);
        builder.add("state", Kind.REGULAR_FILE, uri -> new ObjectInfo(uri, 1, Instant.EPOCH, "v"));
        builder.add("_metadata", Kind.REGULAR_FILE, uri -> new ObjectInfo(uri, 1, Instant.EPOCH, "v"));
        builder.add("shared", Kind.DIRECTORY, uri -> { throw new AssertionError("a directory is not described"); });
        builder.add(ReservedNames.LOCK_FILE, Kind.REGULAR_FILE, uri -> { throw new AssertionError(); });
        builder.add(ReservedNames.newTemporaryName(), Kind.REGULAR_FILE, uri -> { throw new AssertionError(); });
        builder.add(ReservedNames.LOCK_FILE + "-dir", Kind.DIRECTORY, uri -> { throw new AssertionError(); });
        builder.add(ReservedNames.LOCK_FILE, Kind.SYMBOLIC_LINK, uri -> { throw new AssertionError(); });
        builder.add("link", Kind.SYMBOLIC_LINK, uri -> { throw new AssertionError(); });
        builder.add("fifo", Kind.OTHER, uri -> { throw new AssertionError(); });
        builder.add("bad\nname", Kind.REGULAR_FILE, uri -> { throw new AssertionError(); });

        Listing listing = builder.build();

        assertThat(listing.objects()).extracting(ObjectInfo::name).containsExactly("_metadata", "state");
        assertThat(listing.directories()).containsExactly("shared");
        assertThat(listing.skipped()).containsExactlyInAnyOrder(ReservedNames.LOCK_FILE + "-dir", ReservedNames.LOCK_FILE,
                "link", "fifo", "bad\nname");
    }

    @Test
    void aLinkIsALinkWhateverItPointsTo() {
        assertThat(Kind.of(true, true, false)).isEqualTo(Kind.SYMBOLIC_LINK);
        assertThat(Kind.of(false, true, false)).isEqualTo(Kind.DIRECTORY);
        assertThat(Kind.of(false, false, true)).isEqualTo(Kind.REGULAR_FILE);
        assertThat(Kind.of(false, false, false)).isEqualTo(Kind.OTHER);
    }
}
