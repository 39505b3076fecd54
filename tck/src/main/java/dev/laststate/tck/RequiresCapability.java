package dev.laststate.tck;

import dev.laststate.store.Capability;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/** The test runs only where the store has every one of these capabilities (none narrowed away by the fixture). */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(CapabilityCondition.class)
public @interface RequiresCapability {
    Capability[] value();
}
