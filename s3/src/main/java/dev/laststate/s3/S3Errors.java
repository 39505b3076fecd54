package dev.laststate.s3;

import dev.laststate.store.ConditionFailedException;
import dev.laststate.store.ContainerNotFoundException;
import dev.laststate.store.ObjectInfo;
import dev.laststate.store.ObjectAlreadyExistsException;
import dev.laststate.store.OutcomeUnknownException;
import dev.laststate.store.StoreAccessDeniedException;
import dev.laststate.store.StoreException;
import dev.laststate.store.StoreNotFoundException;
import dev.laststate.store.StoreUnavailableException;
import dev.laststate.store.StoreUri;
import dev.laststate.store.UnsupportedStoreOperationException;
import dev.laststate.store.WriteCondition;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.exception.SdkServiceException;

/**
 * Turns the SDK's exceptions into the store's closed vocabulary, once, where they are thrown. By then
 * the SDK has already retried what its standard strategy retries (5xx, {@code SlowDown}, throttling,
 * I/O errors); nothing here retries again. Messages carry the S3 error code and message, never a key.
 */
final class S3Errors {

    private static final Set<String> ACCESS_DENIED = Set.of("AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch",
            "ExpiredToken", "InvalidToken", "TokenRefreshRequired", "AllAccessDisabled", "AccountProblem");
    private static final Set<String> UNAVAILABLE = Set.of("SlowDown", "ServiceUnavailable", "InternalError", "RequestTimeout",
            "RequestTimeTooSkewed", "Throttling", "ThrottlingException", "RequestLimitExceeded");

    private S3Errors() {}

    /** The HTTP status of a service error, 0 for a client-side failure. */
    static int status(RuntimeException e) {
        return e instanceof SdkServiceException service ? service.statusCode() : 0;
    }

    private static String code(SdkException e) {
        if (e instanceof AwsServiceException aws && aws.awsErrorDetails() != null && aws.awsErrorDetails().errorCode() != null) {
            return aws.awsErrorDetails().errorCode();
        }
        return "";
    }

    private static String detail(SdkException e) {
        if (e instanceof AwsServiceException aws && aws.awsErrorDetails() != null) {
            String code = code(e);
            String message = aws.awsErrorDetails().errorMessage();
            return (code.isEmpty() ? "HTTP " + aws.statusCode() : code + " (HTTP " + aws.statusCode() + ")")
                    + (message == null || message.isBlank() ? "" : ": " + message);
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    static ContainerNotFoundException bucketNotFound(StoreUri uri, String action, Throwable e) {
        return new ContainerNotFoundException(uri, "cannot " + action + " " + uri + ": the bucket '" + uri.authority()
                + "' does not exist (or the endpoint serves other buckets)", e);
    }

    /**
     * The one classification of a failed request: an SDK exception, or anything else the SDK or its HTTP
     * client let escape while sending or parsing (an {@link java.io.UncheckedIOException} from a body cut
     * short, an {@link IllegalArgumentException} from a malformed header): never an unchecked exception
     * for the caller.
     *
     * @param mutating whether the call changes the store: a client-side failure then leaves the outcome unknown
     */
    static StoreException classify(RuntimeException failure, StoreUri uri, String action, boolean mutating) {
        String what = "cannot " + action + " " + uri + ": ";
        if (!(failure instanceof SdkException e)) {
            if (failure instanceof UncheckedIOException) {
                return mutating
                        ? new OutcomeUnknownException(uri, what + "the connection failed after the request may have reached S3, "
                                + message(failure), failure)
                        : new StoreUnavailableException(uri, what + "the connection to S3 failed, " + message(failure), failure);
            }
            return mutating
                    ? new OutcomeUnknownException(uri, what + "S3's answer could not be read, " + message(failure), failure)
                    : new StoreException(uri, what + "S3's answer could not be read, " + message(failure), failure);
        }
        String code = code(e);
        int status = status(e);
        if (code.equals("NoSuchBucket")) {
            return bucketNotFound(uri, action, e);
        }
        if (code.equals("NoSuchKey") || status == 404) {
            return new StoreNotFoundException(uri, what + "no such object (" + detail(e) + ")", e);
        }
        if (status == 403 || ACCESS_DENIED.contains(code)) {
            return new StoreAccessDeniedException(uri, what + "access denied, " + detail(e), e);
        }
        if (status == 412 || status == 409 && code.equals("ConditionalRequestConflict")) {
            return new ConditionFailedException(uri, what + "its precondition failed, " + detail(e), e);
        }
        if (status == 501 || code.equals("NotImplemented")) {
            // S3-compatible stores answer so for headers they lack, such as If-None-Match on older versions.
            return new UnsupportedStoreOperationException(uri, what + "the store does not implement this request, "
                    + detail(e), e);
        }
        if (status == 429 || status >= 500 || UNAVAILABLE.contains(code)) {
            return new StoreUnavailableException(uri, what + "S3 is unavailable after the SDK's retries, " + detail(e), e);
        }
        if (status == 301 || code.equals("PermanentRedirect") || code.equals("AuthorizationHeaderMalformed")) {
            return new StoreException(uri, what + "the bucket is in another region (set AWS_REGION or -o s3.region), "
                    + detail(e), e);
        }
        if (e instanceof SdkClientException) {
            if (e.getMessage() != null && e.getMessage().contains("Unable to load credentials")) {
                return new StoreAccessDeniedException(uri, what + "no AWS credentials in the environment given (access keys, "
                        + "web identity, profile), nor from the container or instance metadata", e);
            }
            if (mutating && !neverSent(e)) {
                return new OutcomeUnknownException(uri, what + "the request failed after it may have reached S3, "
                        + detail(e), e);
            }
            return new StoreUnavailableException(uri, what + "the request to S3 failed, " + detail(e), e);
        }
        return new StoreException(uri, what + detail(e), e);
    }

    private static String message(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
    }


    /**
     * A change S3 acknowledged with an answer that lacks what the store must report (the new ETag): it most
     * likely took effect, but the caller has to read the object to know its version.
     */
    static OutcomeUnknownException unreadableAcknowledgement(StoreUri uri, String action, String missing) {
        return new OutcomeUnknownException(uri, "cannot tell the outcome of " + action + " " + uri + ": S3 acknowledged it "
                + "with a malformed answer (" + missing + "); read it before assuming either", null);
    }

    /** Failures that happen before a request leaves: nothing can have changed. */
    private static boolean neverSent(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof UnknownHostException) {
                return true;
            }
        }
        return false;
    }

    /**
     * A failed PUT. A 412 on the first attempt is the condition failing; after the SDK retried, the
     * earlier attempt may have written the object itself, so the outcome is unknown.
     */
    static StoreException classifyWrite(RuntimeException e, StoreUri uri, WriteCondition condition) {
        StoreException failure = classify(e, uri, "write", true);
        boolean retried = retried(e);
        boolean missing = failure instanceof StoreNotFoundException && !(failure instanceof ContainerNotFoundException);
        return switch (condition.kind()) {
            case OVERWRITE -> failure;
            case IF_ABSENT -> {
                if (failure instanceof ConditionFailedException) {
                    yield retried
                            ? new OutcomeUnknownException(uri, "cannot tell whether " + uri + " was written: it exists after "
                                    + "the SDK retried, and the earlier attempt may have created it", e)
                            : new ObjectAlreadyExistsException(uri, "cannot create " + uri + ": it already exists", e);
                }
                yield failure;
            }
            case IF_VERSION_MATCHES -> {
                if (failure instanceof ConditionFailedException && retried) {
                    yield new OutcomeUnknownException(uri, "cannot tell whether " + uri + " was replaced: its version "
                            + "changed after the SDK retried, and the earlier attempt may have changed it", e);
                }
                if (failure instanceof ConditionFailedException || missing) {
                    // If-Match on a missing key answers 404: the version expected is gone either way.
                    yield new ConditionFailedException(uri, "cannot replace " + uri + ": it is no longer in version "
                            + condition.expectedVersion().orElseThrow() + " (" + failure.getMessage() + ")", e);
                }
                yield failure;
            }
        };
    }

    /**
     * A failed {@code CopyObject} or {@code UploadPartCopy}, which carry the condition
     * {@code x-amz-copy-source-if-match} and no condition on the target: a 412 is the source's version having
     * changed and a missing key is the source's; the target's outcome follows the usual rules. Both are in one
     * bucket (a copy never leaves it), so a missing bucket is reported on the target.
     */
    static StoreException classifyCopy(RuntimeException e, ObjectInfo source, StoreUri target) {
        StoreUri from = source.uri();
        StoreException failure = classify(e, target, "copy " + from + " to", true);
        if (failure instanceof ContainerNotFoundException) {
            return bucketNotFound(target, "copy to", (SdkException) e);
        }
        if (failure instanceof ConditionFailedException) {
            return new ConditionFailedException(from, "cannot copy " + from + ": it is no longer in version " + source.version()
                    + ", the version listed (" + detail((SdkException) e) + ")", e);
        }
        if (failure instanceof StoreNotFoundException && !code((SdkException) e).equals("NoSuchUpload")) {
            return new StoreNotFoundException(from, "cannot copy " + from + ": no such object (" + detail((SdkException) e) + ")", e);
        }
        return failure;
    }

    /**
     * A failed ranged {@code GetObject} of a stream, which carries {@code If-Match} when a version is given: a 412 is
     * that version being gone, a 416 (the range starts at or past the end) the object being shorter than asked.
     */
    static StoreException classifyRangedRead(RuntimeException e, StoreUri uri, Optional<String> version, long end) {
        StoreException failure = classify(e, uri, "read", false);
        if (failure instanceof ConditionFailedException && version.isPresent()) {
            return new ConditionFailedException(uri, "cannot read " + uri + ": it is no longer in version " + version.get()
                    + ", the version listed (" + detail((SdkException) e) + ")", e);
        }
        if (status(e) == 416) {
            return new ConditionFailedException(uri, "cannot read " + uri + " up to byte " + end + ": it is shorter ("
                    + detail((SdkException) e) + ")", e);
        }
        return failure;
    }

    /**
     * A failure while a GET's body is read, after its answer arrived: an {@link IOException} of the
     * connection (a reset, a body cut short) or whatever the SDK's stream lets escape; the object is unchanged.
     */
    static StoreException classifyBody(Exception e, StoreUri uri) {
        if (e instanceof RuntimeException unchecked) {
            return classify(unchecked, uri, "read", false);
        }
        return classify(new UncheckedIOException(e instanceof IOException io ? io : new IOException(e)), uri, "read", false);
    }

    /**
     * A failed {@code CompleteMultipartUpload} of a streamed write. After the SDK retried, a missing upload
     * ({@code NoSuchUpload}) means an earlier attempt most likely completed it: the outcome is unknown, not "not found";
     * on the first attempt it means the upload was aborted elsewhere (a lifecycle rule), so nothing was written.
     */
    static StoreException classifyComplete(RuntimeException e, StoreUri uri) {
        StoreException failure = classify(e, uri, "write", true);
        if (failure instanceof StoreNotFoundException && !(failure instanceof ContainerNotFoundException)) {
            return retried(e)
                    ? new OutcomeUnknownException(uri, "cannot tell whether " + uri + " was written: its upload is gone ("
                            + detail((SdkException) e) + ") after the SDK retried, and the earlier attempt may have completed it", e)
                    : new StoreException(uri, "cannot write " + uri + ": its upload was aborted before it completed ("
                            + detail((SdkException) e) + "); nothing was written", e);
        }
        return failure;
    }

    /** Whether the SDK sent the request more than once before it gave up. */
    private static boolean retried(RuntimeException e) {
        return e instanceof SdkException sdk && sdk.numAttempts() != null && sdk.numAttempts() > 1;
    }

    /** One key's failure inside a DeleteObjects answer (HTTP 200 overall). */
    static StoreException classifyBatchError(String code, String message, StoreUri uri) {
        String what = "cannot delete " + uri + ": " + code + (message == null ? "" : ": " + message);
        if (code.equals("NoSuchBucket")) {
            // S3Proxy answers a batch into a missing bucket with 200 and this error for every key.
            return bucketNotFound(uri, "delete", null);
        }
        if (ACCESS_DENIED.contains(code)) {
            return new StoreAccessDeniedException(uri, what, null);
        }
        if (UNAVAILABLE.contains(code)) {
            return new StoreUnavailableException(uri, what, null);
        }
        return new StoreException(uri, what, null);
    }

    /**
     * ETags travel quoted; versions are kept bare so listings, HEADs and PUTs agree whatever the server quotes.
     * Empty when the answer carried none (a version the store would then make up could match nothing).
     */
    static Optional<String> unquote(String etag) {
        if (etag == null) {
            return Optional.empty();
        }
        String bare = etag.strip();
        bare = bare.length() >= 2 && bare.startsWith("\"") && bare.endsWith("\"") ? bare.substring(1, bare.length() - 1) : bare;
        return bare.isEmpty() ? Optional.empty() : Optional.of(bare);
    }

    static String quote(String version) {
        return "\"" + version + "\"";
    }
}
