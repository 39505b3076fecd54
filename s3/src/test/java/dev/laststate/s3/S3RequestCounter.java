package dev.laststate.s3;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.SdkHttpRequest;

/**
 * Records every HTTP request the SDK sends (each retry attempt too), with its operation name and request.
 * The tests plug it into a store to count what an operation or a promotion costs (the benchmark has its own,
 * attached through {@link S3CheckpointStoreProvider#open(Map, Map, List)}).
 */
final class S3RequestCounter implements ExecutionInterceptor {

    /**
     * One request as sent: {@code ListObjectsV2}, {@code CopyObject}, ..., the SDK's request object and the
     * HTTP request (path, query, headers such as {@code x-amz-copy-source}).
     */
    record Sent(String operation, SdkRequest request, SdkHttpRequest http) {
        /** A query parameter ({@code prefix}, {@code delimiter}), or "" when absent. */
        String query(String name) {
            return http.firstMatchingRawQueryParameter(name).orElse("");
        }

        /** The decoded path, the query values and the copy source: every place a key can appear. */
        String keys() {
            String path = URLDecoder.decode(http.encodedPath().replace("+", "%2B"), StandardCharsets.UTF_8);
            return path + " " + String.join(" ", http.rawQueryParameters().values().stream().flatMap(List::stream).toList())
                    + " " + URLDecoder.decode(http.firstMatchingHeader("x-amz-copy-source").orElse("").replace("+", "%2B"),
                            StandardCharsets.UTF_8);
        }
    }

    private final ConcurrentLinkedQueue<Sent> sent = new ConcurrentLinkedQueue<>();

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        sent.add(new Sent(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME), context.request(),
                context.httpRequest()));
    }

    List<Sent> sent() {
        return List.copyOf(sent);
    }

    /** Requests by operation name, sorted by name. */
    Map<String, Long> counts() {
        Map<String, Long> counts = new TreeMap<>();
        sent.forEach(s -> counts.merge(s.operation(), 1L, Long::sum));
        return counts;
    }

    long count(String operation) {
        return sent.stream().filter(s -> s.operation().equals(operation)).count();
    }

    void reset() {
        sent.clear();
    }
}
