package dev.laststate.azure;

import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.core.util.Context;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
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

    /** The Blob API operation a request is, by method, query and headers, as the service documents them. */
    static String operation(HttpRequest request) {
        String query = Optional.ofNullable(request.getUrl().getQuery()).orElse("");
        boolean copy = request.getHeaders().getValue(HttpHeaderName.fromString("x-ms-copy-source")) != null;
        return switch (request.getHttpMethod()) {
            case GET -> query.contains("comp=list") ? "List Blobs" : query.contains("comp=") ? "GET " + query : "Get Blob";
            case HEAD -> "Get Blob Properties";
            case DELETE -> "Delete Blob";
            case PUT -> copy ? (request.getHeaders().getValue(HttpHeaderName.fromString("x-ms-requires-sync")) != null
                    ? "Copy Blob From URL" : "Copy Blob")
                    : query.contains("restype=container") ? "Create Container" : "Put Blob";
            default -> request.getHttpMethod() + " " + query;
        };
    }

    /** How many requests of each operation were sent since the last {@link #clear()} (every try of the retry policy). */
    Map<String, Long> operations() {
        Map<String, Long> counts = new TreeMap<>();
        requests.forEach(r -> counts.merge(operation(r), 1L, Long::sum));
        return counts;
    }

    /** The requests sent since the last {@link #clear()}, in order. */
    List<HttpRequest> requests() {
        return List.copyOf(requests);
    }

    void clear() {
        requests.clear();
    }
}
