package dev.laststate.tck;

/**
 * An edge of the store contract that only some environments can stage, declared by the fixture
 * ({@link StoreFixture#withMissingContainer}, {@link StoreFixture#withUnrepresentableNames}).
 */
public enum StagedEdge {
    /** A location in a bucket or container that does not exist (a store without containers has none). */
    MISSING_CONTAINER,
    /** An entry planted behind the store's back whose name no location can hold. */
    UNREPRESENTABLE_NAME,
    /** A directory in another existing bucket or container of the same store (a store with one container has none). */
    OTHER_CONTAINER;

    /** Whether {@code fixture} can stage this edge. */
    boolean stagedBy(StoreFixture fixture) {
        return switch (this) {
            case MISSING_CONTAINER -> fixture.missingContainer().isPresent();
            case UNREPRESENTABLE_NAME -> fixture.unrepresentableNames().isPresent();
            case OTHER_CONTAINER -> fixture.otherContainer().isPresent();
        };
    }
}
