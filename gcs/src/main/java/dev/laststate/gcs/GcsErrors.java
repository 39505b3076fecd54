package dev.laststate.gcs;

import com.google.cloud.storage.StorageException;
import dev.laststate.store.ConditionFailedException;
import dev.laststate.store.ContainerNotFoundException;
import dev.laststate.store.OutcomeUnknownException;
import dev.laststate.store.StoreAccessDeniedException;
import dev.laststate.store.StoreException;
import dev.laststate.store.StoreNotFoundException;
import dev.laststate.store.StoreUnavailableException;
import dev.laststate.store.StoreUri;
import java.util.Locale;

/**
 * Turns the SDK's {@link StorageException} into laststate's vocabulary, once, where it is thrown. The SDK
 * has already retried what it considers retryable (its own backoff), so a transient error seen here is
 * final for this call.
 */
final class GcsErrors {

    private GcsErrors() {}

    /**
     * The typed exception for a failed {@code action} ("list", "read", ...) on {@code uri}. A 412 here is a
     * plain {@link ConditionFailedException}: writes classify their preconditions themselves.
     */
    static StoreException classify(StorageException e, StoreUri uri, String action) {
        int code = e.getCode();
        String detail = detail(e);
        String what = "cannot " + action + " " + uri + ": ";
        if (code == 401 || code == 403) {
            return new StoreAccessDeniedException(uri, what + "access denied (" + detail
                    + "); the credentials need Storage Object Admin on the bucket or prefix", e);
        }
        if (code == 404) {
            if (isMissingBucket(e)) {
                return bucketNotFound(uri, e);
            }
            return new StoreNotFoundException(uri, what + "no such object", e);
        }
        if (code == 412) {
            return new ConditionFailedException(uri, what + "precondition failed (" + detail + ")", e);
        }
        if (code == 408 || code == 429 || code >= 500 || e.isRetryable() || (code == 0 && e.getCause() instanceof java.io.IOException)) {
            return new StoreUnavailableException(uri, what + "Google Cloud Storage is unavailable (" + detail + ")", e);
        }
        return new StoreException(uri, what + detail, e);
    }

    /**
     * Anything else the SDK or its HTTP and JSON layers let escape while sending a request or reading its answer
     * (a {@link NullPointerException} or {@link IllegalArgumentException} from an answer that lacks what the SDK
     * expects, an {@link java.io.UncheckedIOException} from a connection that broke, a retry helper's own
     * exception): never an unchecked exception for the caller. A {@link StorageException} is classified as such.
     *
     * @param mutating whether the call changes storage: its outcome is then unknown, unless the request never left
     */
    static StoreException classify(RuntimeException e, StoreUri uri, String action, boolean mutating) {
        if (e instanceof StorageException s) {
            StoreException failure = classify(s, uri, action);
            return mutating && failure instanceof StoreUnavailableException && !neverSent(s) ? outcomeUnknown(uri, failure, s) : failure;
        }
        String what = "cannot " + action + " " + uri + ": ";
        if (mutating && !neverSent(e)) {
            return new OutcomeUnknownException(uri, what + "Google Cloud Storage's answer could not be read (" + message(e)
                    + "), so it may or may not have taken effect; read it before assuming either", e);
        }
        if (e instanceof java.io.UncheckedIOException || neverSent(e)) {
            return new StoreUnavailableException(uri, what + "the connection to Google Cloud Storage failed (" + message(e) + ")", e);
        }
        return new StoreException(uri, what + "Google Cloud Storage's answer could not be read (" + message(e) + ")", e);
    }

    /** A change that failed without an answer, after the request may have reached GCS and been applied. */
    static OutcomeUnknownException outcomeUnknown(StoreUri uri, StoreException failure, Throwable cause) {
        return new OutcomeUnknownException(uri, failure.getMessage() + "; the request may have been applied before "
                + "its answer was lost, so it may or may not have taken effect", cause);
    }


    /**
     * A change GCS acknowledged with an answer that lacks what the store must report: it most likely took effect,
     * but the caller has to read the object to know its version.
     */
    static OutcomeUnknownException unreadableAcknowledgement(StoreUri uri, String action, String missing) {
        return new OutcomeUnknownException(uri, "cannot tell the outcome of " + action + " " + uri + ": Google Cloud Storage "
                + "acknowledged it with a malformed answer (" + missing + "); read it before assuming either", null);
    }

    private static String message(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    /** The bucket named by {@code uri}'s authority does not exist. */
    static ContainerNotFoundException bucketNotFound(StoreUri uri, Throwable cause) {
        return new ContainerNotFoundException(uri, "the bucket '" + uri.authority() + "' does not exist (" + uri + ")", cause);
    }

    /** GCS answers 404 for a missing object and for a missing bucket; only the message tells them apart. */
    static boolean isMissingBucket(StorageException e) {
        String message = e.getMessage();
        return e.getCode() == 404 && message != null && message.toLowerCase(Locale.ROOT).contains("bucket does not exist");
    }

    /** Failures that happen before a request leaves (a refused connection, an unknown host): nothing can have changed. */
    static boolean neverSent(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.ConnectException || t instanceof java.net.UnknownHostException) {
                return true;
            }
        }
        return false;
    }

    private static String detail(StorageException e) {
        String message = e.getMessage();
        String text = message == null || message.isBlank() ? e.getClass().getSimpleName() : message.strip();
        return (e.getCode() > 0 ? "HTTP " + e.getCode() + ": " : "") + text;
    }
}
