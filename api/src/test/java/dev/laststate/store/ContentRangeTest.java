package dev.laststate.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ContentRangeTest {

    @Test
    void theTotalAfterTheSlashIsTheObjectsSize() {
        assertThat(ContentRange.totalSize("bytes 0-9/1234")).contains(1234L);
        assertThat(ContentRange.totalSize("bytes 0-0/1 ")).contains(1L);
    }

    @Test
    void anAbsentUnknownOrMalformedTotalIsEmpty() {
        assertThat(ContentRange.totalSize(null)).isEmpty();
        assertThat(ContentRange.totalSize("bytes 0-9")).isEmpty();
        assertThat(ContentRange.totalSize("bytes 0-9/*")).isEmpty();
        assertThat(ContentRange.totalSize("bytes 0-9/-5")).isEmpty();
        assertThat(ContentRange.totalSize("bytes 0-9/12a")).isEmpty();
    }
}
