package dev.laststate.gcs;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.storage.StorageException;
import dev.laststate.store.ConditionFailedException;
import dev.laststate.store.ContainerNotFoundException;
import dev.laststate.store.StoreAccessDeniedException;
import dev.laststate.store.StoreException;
import dev.laststate.store.StoreNotFoundException;
import dev.laststate.store.StoreUnavailableException;
import dev.laststate.store.StoreUri;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** How the SDK's errors (as the SDK builds them from GCS's answers) become laststate's typed exceptions. */
class GcsErrorsTest {

    private static final StoreUri URI = StoreUri.parse("gs://bucket/flink/chk-1/_metadata");

    @ParameterizedTest
    @ValueSource(ints = {401, 403})
    void forbiddenIsAccessDenied(int code) {
        StoreException e = GcsErrors.classify(new StorageException(code, "caller does not have storage.objects.get access"), URI, "read");

        assertThat(e).isInstanceOf(StoreAccessDeniedException.class).hasMessageContaining("Storage Object Admin");
        assertThat(e.uri()).isEqualTo(URI);
        assertThat(e.retryable()).isFalse();
    }

    @Test
    void aMissingBucketIsContainerNotFoundNamingTheBucket() {
        StorageException cause = new StorageException(404, "The specified bucket does not exist.");

        StoreException e = GcsErrors.classify(cause, URI, "list");

        assertThat(e).isInstanceOf(ContainerNotFoundException.class).hasMessageContaining("bucket 'bucket' does not exist")
                .hasCause(cause);
        assertThat(e.uri()).isEqualTo(URI);
    }

    @Test
    void aMissingObjectIsNotFoundButNoContainerNotFound() {
        StoreException e = GcsErrors.classify(new StorageException(404, "No such object: bucket/flink/chk-1/_metadata"), URI, "read");

        assertThat(e).isInstanceOf(StoreNotFoundException.class).isNotInstanceOf(ContainerNotFoundException.class);
    }

    @Test
    void aFailedPreconditionIsConditionFailed() {
        StoreException e = GcsErrors.classify(new StorageException(412, "At least one of the pre-conditions you specified did not hold."),
                URI, "write");

        assertThat(e).isInstanceOf(ConditionFailedException.class);
    }

    @ParameterizedTest
    @ValueSource(ints = {408, 429, 500, 502, 503, 504})
    void throttlingAndServerErrorsAreRetryableUnavailability(int code) {
        StoreException e = GcsErrors.classify(new StorageException(code, "try again"), URI, "list");

        assertThat(e).isInstanceOf(StoreUnavailableException.class);
        assertThat(e.retryable()).isTrue();
    }

    @Test
    void aNetworkFailureIsUnavailability() {
        StoreException e = GcsErrors.classify(new StorageException(new ConnectException("Connection refused")), URI, "list");

        assertThat(e).isInstanceOf(StoreUnavailableException.class).hasMessageContaining("Connection refused");
    }

    @Test
    void anythingElseIsAPlainStoreExceptionKeepingTheCause() {
        StorageException cause = new StorageException(400, "Invalid argument.");

        StoreException e = GcsErrors.classify(cause, URI, "write");

        assertThat(e.getClass()).isEqualTo(StoreException.class);
        assertThat(e).hasCause(cause).hasMessageContaining("HTTP 400").hasMessageContaining(URI.toString());
    }
}
