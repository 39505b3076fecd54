package dev.laststate.azure;

import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.core.util.Context;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import reactor.core.publisher.Mono;

/** The real JDK transport, remembering every request it sent (headers only), so a test can tell which API a call used. */
final class RecordingHttpClient implements HttpClient {

    private final HttpClient delegate = new JdkHttpClientBuilder().build();
    private final List<HttpRequest> requests = new CopyOnWriteArrayList<>();

    @Override
    public Mono<HttpResponse> send(HttpRequest request) {
        requests.add(request);
        return delegate.send(request);
    }

    @Override
    public Mono<HttpResponse> send(HttpRequest request, Context context) {
        requests.add(request);
        return delegate.send(request, context);
    }

    @Override
    public HttpResponse sendSync(HttpRequest request, Context context) {
        requests.add(request);
        return delegate.sendSync(request, context);
    }

    /** The values of {@code header} in the requests sent since the last {@link #clear()}, in order. */
    List<String> headerValues(String header) {
        return requests.stream().map(r -> r.getHeaders().getValue(HttpHeaderName.fromString(header)))
                .filter(Objects::nonNull).toList();
    }

    void clear() {
        requests.clear();
    }
}
