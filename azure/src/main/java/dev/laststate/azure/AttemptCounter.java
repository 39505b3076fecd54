package dev.laststate.azure;

import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.HttpPipelineNextPolicy;
import com.azure.core.http.HttpPipelineNextSyncPolicy;
import com.azure.core.http.HttpPipelinePosition;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.HttpPipelinePolicy;
import com.azure.core.util.Context;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Mono;

/**
 * Counts the tries the SDK's retry policy made for one call, so a failed condition after a retry is
 * reported as an unknown outcome (the first try may have written) instead of as a lost race.
 */
final class AttemptCounter implements HttpPipelinePolicy {

    private static final String KEY = "dev.laststate.azure.attempts";

    /** A context whose tries this policy counts into {@code attempts}. */
    static Context counting(AtomicInteger attempts) {
        return new Context(KEY, attempts);
    }

    @Override
    public Mono<HttpResponse> process(HttpPipelineCallContext context, HttpPipelineNextPolicy next) {
        count(context);
        return next.process();
    }

    @Override
    public HttpResponse processSync(HttpPipelineCallContext context, HttpPipelineNextSyncPolicy next) {
        count(context);
        return next.processSync();
    }

    private static void count(HttpPipelineCallContext context) {
        context.getData(KEY).ifPresent(attempts -> ((AtomicInteger) attempts).incrementAndGet());
    }

    @Override
    public HttpPipelinePosition getPipelinePosition() {
        return HttpPipelinePosition.PER_RETRY;
    }
}
