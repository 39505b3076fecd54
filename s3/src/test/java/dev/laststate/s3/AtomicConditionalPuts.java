package dev.laststate.s3;

import java.io.InputStream;
import org.gaul.s3proxy.S3ErrorCode;
import org.gaul.s3proxy.S3ProxyException;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;

/**
 * S3Proxy checks {@code If-Match} and {@code If-None-Match} and then writes: two steps another PUT can come
 * between, and in CI two conditional writers both won a race for one version. S3 decides a conditional PUT
 * atomically, and the store relies on that; this makes S3Proxy's in-memory store do the same by taking every
 * PUT one at a time and deciding its condition again inside. Reads are not affected.
 */
final class AtomicConditionalPuts extends ForwardingBlobStore {

    private final Object puts = new Object();

    AtomicConditionalPuts(BlobStore delegate) {
        super(delegate);
    }

    @Override
    public PutObjectResponse putBlob(PutObjectRequest request, InputStream body) {
        synchronized (puts) {
            if (request.ifMatch() != null || request.ifNoneMatch() != null) {
                HeadObjectResponse current = delegate().blobMetadataIfPresent(request.bucket(), request.key());
                if (request.ifNoneMatch() != null && current != null
                        || request.ifMatch() != null && (current == null || !unquoted(current.eTag()).equals(unquoted(request.ifMatch())))) {
                    throw new S3ProxyException(S3ErrorCode.PRECONDITION_FAILED);
                }
            }
            return super.putBlob(request, body);
        }
    }

    private static String unquoted(String etag) {
        return etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"") ? etag.substring(1, etag.length() - 1) : etag;
    }
}
