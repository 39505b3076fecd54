package dev.laststate.tck;

import dev.laststate.store.Capability;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The twin of a {@link RequiresCapability} test: it runs only where the store does not declare the
 * capability, and checks that the store refuses the operation instead of approximating it.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(CapabilityCondition.class)
public @interface RequiresMissingCapability {
    Capability value();
}
