package dev.laststate.tck.faults;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * A request as the {@link FaultProxy} saw it: the method, the request target (path and query) and the headers,
 * their names in lower case.
 */
public record Request(String method, String target, Map<String, String> headers) {

    public Request {
        headers = Map.copyOf(headers);
    }

    /** The request of a start line ({@code PUT /bucket/key?x=1 HTTP/1.1}) and its header lines. */
    static Request of(List<String> head) {
        String[] parts = head.get(0).split(" ");
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line : head.subList(1, head.size())) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.merge(line.substring(0, colon).strip().toLowerCase(Locale.ROOT), line.substring(colon + 1).strip(),
                        (a, b) -> a + ", " + b);
            }
        }
        return new Request(parts[0], parts.length > 1 ? parts[1] : "", headers);
    }

    /** The header's value; names are case-insensitive. */
    public Optional<String> header(String name) {
        return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
    }

    /** The path without the query. */
    public String path() {
        int query = target.indexOf('?');
        return query < 0 ? target : target.substring(0, query);
    }

    /** Whether the query has a parameter starting with {@code parameter} ({@code "comp=list"}, {@code "restype="}). */
    public boolean hasQuery(String parameter) {
        int query = target.indexOf('?');
        return query >= 0 && ("&" + target.substring(query + 1)).contains("&" + parameter);
    }

    /** Every request. */
    public static Predicate<Request> any() {
        return request -> true;
    }

    /** The requests with this method ({@code "GET"}, {@code "HEAD"}). */
    public static Predicate<Request> method(String method) {
        return request -> request.method().equals(method);
    }
}
