package dev.laststate.bench;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Counts the HTTP requests an S3 store sends, by S3 operation ({@code ListObjectsV2}, {@code CopyObject}, ...),
 * every retry attempt included. Attached as an observer through
 * {@link dev.laststate.s3.S3CheckpointStoreProvider#open(Map, Map, java.util.List)}; it only observes.
 */
final class S3RequestCounter implements ExecutionInterceptor {

    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        counts.computeIfAbsent(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME), k -> new LongAdder()).increment();
    }

    /** Requests since the last reset, by operation name, sorted by name. */
    Map<String, Long> counts() {
        Map<String, Long> sorted = new TreeMap<>();
        counts.forEach((operation, count) -> sorted.put(operation, count.sum()));
        sorted.values().removeIf(count -> count == 0);
        return sorted;
    }

    void reset() {
        counts.clear();
    }
}
