package dev.laststate.tck;

/**
 * A behaviour of real storage that a test environment (an emulator or an in-process fake) does not
 * reproduce, although the store itself relies on it. Unlike a {@link dev.laststate.store.Capability},
 * it says nothing about the store: the store's code for it is still there and is tested elsewhere
 * (by unit tests of that code, or by a run against the real service). A fixture declares its gaps with
 * {@link StoreFixture#emulatorGaps()}; the tests that need the behaviour show as disabled with the reason.
 */
public enum EmulatorGap {
    /**
     * Listings of more than one page: the environment answers a listing in one page, or cuts it at the
     * page size without a token for the next, so a test cannot prove that every page is read.
     */
    PAGINATION,

    /**
     * An object appears only once its upload is complete: the environment shows an upload in progress as an
     * object (without its version), so readers racing with writers cannot be checked.
     */
    ATOMIC_UPLOADS,

    /**
     * A read answers the bytes and the version of one and the same write: the environment can answer a read
     * that races a replacement with the bytes of one write and the version of the next.
     */
    ATOMIC_READS,

    /**
     * Modification times finer than a second: the environment rounds them to the second, so objects
     * written a few milliseconds apart look equally recent.
     */
    FINE_TIMESTAMPS,

    /**
     * Object names holding {@code %} or {@code +} round-trip: the environment decodes them a second time
     * (a {@code +} becomes a space, a lone {@code %} fails).
     */
    ESCAPED_NAMES
}
