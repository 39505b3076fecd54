package dev.laststate.tck.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.laststate.store.OutcomeUnknownException;
import dev.laststate.store.StoreException;
import dev.laststate.store.StoreUri;
import java.util.List;

/**
 * The promise every backend keeps under faults: an operation whose exchange was spoiled fails with a
 * {@link StoreException} naming one of its locations, never an unchecked exception, and only a change may fail with
 * an {@link OutcomeUnknownException}.
 */
public final class StoreFailures {

    private StoreFailures() {}

    /** A call of the store, returning what it answered. */
    @FunctionalInterface
    public interface Call {
        Object run() throws Exception;
    }

    /** One operation of a store under test: the locations its failure may name, and whether it changes storage. */
    public record FaultedOperation(String name, Call call, List<StoreUri> locations, boolean mutating) {
        public FaultedOperation {
            locations = List.copyOf(locations);
        }

        /** An operation that only reads. */
        public static FaultedOperation reading(String name, Call call, StoreUri... locations) {
            return new FaultedOperation(name, call, List.of(locations), false);
        }

        /** An operation that changes storage, so its outcome may be unknown. */
        public static FaultedOperation changing(String name, Call call, StoreUri... locations) {
            return new FaultedOperation(name, call, List.of(locations), true);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** Runs {@code operation} and checks it failed as a store failure naming its location; the failure. */
    public static StoreException failsNamingItsLocation(FaultedOperation operation) {
        return failsNamingItsLocation(operation, catchThrowable(operation.call()::run));
    }

    /** Checks that {@code failure}, what {@code operation} threw, is a store failure naming its location. */
    public static StoreException failsNamingItsLocation(FaultedOperation operation, Throwable failure) {
        assertThat(failure).as("%s", operation).isInstanceOfSatisfying(StoreException.class, e -> {
            assertThat(e.uri()).as("the location of %s", operation).isIn(operation.locations());
            if (e instanceof OutcomeUnknownException) {
                assertThat(operation.mutating()).as("only a change can have an unknown outcome").isTrue();
            }
        });
        return (StoreException) failure;
    }
}
