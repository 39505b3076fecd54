package dev.laststate.gcs;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The page-token loop of a listing, apart from the SDK so it can be driven with scripted pages: asks for the
 * first page, then for the page each token names, until a page comes without a token. GCS may answer a page
 * with no entries but a token (when it skipped many entries below the delimiter); that is not the end.
 */
final class Pages {

    /** One answer of the listing API. */
    record Page<T>(List<T> items, Optional<String> nextToken) {
        Page {
            items = List.copyOf(items);
            nextToken = nextToken.filter(token -> !token.isEmpty());
        }
    }

    /** One call of the listing API: the first page for an empty token, the named page otherwise. */
    @FunctionalInterface
    interface PageSource<T, E extends Exception> {
        Page<T> fetch(Optional<String> token) throws E;
    }

    private Pages() {}

    /**
     * Every item of every page, in the order the pages gave them.
     *
     * @throws IllegalStateException when the source repeats a token, which would otherwise loop forever
     */
    static <T, E extends Exception> List<T> readAll(PageSource<T, E> source) throws E {
        List<T> items = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        Optional<String> token = Optional.empty();
        do {
            Page<T> page = source.fetch(token);
            items.addAll(page.items());
            token = page.nextToken();
            if (token.isPresent() && !seen.add(token.get())) {
                throw new IllegalStateException("the listing returned the page token '" + token.get() + "' twice");
            }
        } while (token.isPresent());
        return items;
    }
}
