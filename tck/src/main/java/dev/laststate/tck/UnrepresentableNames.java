package dev.laststate.tck;

import dev.laststate.store.StoreUri;

/**
 * Plants, behind the store's back (with the SDK or the file system), an entry whose name no {@link StoreUri}
 * can hold, so the TCK can prove it is listed as skipped; see {@link StoreFixture#withUnrepresentableNames}.
 */
@FunctionalInterface
public interface UnrepresentableNames {

    /**
     * Creates, directly in {@code directory}, an entry whose name no location can hold (a control character,
     * or an empty segment such as the object key {@code dir//x} gives one level down).
     *
     * @return the name as the store reports it in {@link dev.laststate.store.Listing#skipped()}
     */
    String plant(StoreUri directory) throws Exception;
}
