package dev.laststate.tck;

import dev.laststate.store.ObjectInfo;
import dev.laststate.store.StoreUri;
import dev.laststate.store.WriteCondition;
import java.util.Optional;

/**
 * A conditional write staged for {@link StoreContract}: the object, the condition the write carries, and what
 * the object held before (nothing, for a missing one). A test and its refusal twin stage the same one and
 * differ only in what they expect of it.
 */
record ConditionalWrite(StoreUri uri, WriteCondition condition, Optional<ObjectInfo> before, String heldText) {

    static ConditionalWrite onAMissingObject(StoreUri uri, WriteCondition condition) {
        return new ConditionalWrite(uri, condition, Optional.empty(), "");
    }

    static ConditionalWrite onAnObject(ObjectInfo before, String heldText, WriteCondition condition) {
        return new ConditionalWrite(before.uri(), condition, Optional.of(before), heldText);
    }
}
