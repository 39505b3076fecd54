package dev.laststate.store;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * An immutable location in a checkpoint store: {@code scheme://authority/path}.
 *
 * <p>{@code file:} URIs ({@code file:/x}, {@code file:///x}, {@code file://localhost/x}) and bare
 * paths (absolute, or relative to the working directory) become {@code file} locations with an empty
 * authority. Other schemes need an authority (the bucket, container or name node). The path is kept
 * without leading or trailing slash, taken literally (no percent-decoding), and never holds an empty,
 * {@code .} or {@code ..} segment, so a location can never escape the directory it was derived from.
 */
public record StoreUri(String scheme, String authority, String path) {

    private static final Pattern SCHEME = Pattern.compile("[a-z][a-z0-9+.-]*");

    public StoreUri {
        if (scheme == null || !SCHEME.matcher(scheme).matches()) {
            throw new InvalidStoreUriException(String.valueOf(scheme), "the scheme must be lower-case letters, digits, '+', '-' or '.'");
        }
        if (authority == null || path == null) {
            throw new InvalidStoreUriException(scheme + "://", "authority and path must not be null");
        }
        if (authority.contains("/") || hasControlOrSpace(authority)) {
            throw new InvalidStoreUriException(scheme + "://" + authority, "the authority must not contain '/', spaces or control characters");
        }
        if (!isFile(scheme) && authority.isEmpty()) {
            throw new InvalidStoreUriException(scheme + ":///" + path,
                    "a " + scheme + " URI needs an authority, as in " + scheme + "://bucket/path");
        }
        if (isFile(scheme) && !authority.isEmpty()) {
            throw new InvalidStoreUriException("file://" + authority + "/" + path, "file URIs have no authority");
        }
        checkSegments(scheme + "://" + authority + "/" + path, path);
    }

    /**
     * Parses a URI or a bare local path.
     *
     * @throws InvalidStoreUriException when the input is empty, has no authority where one is needed,
     *     or contains {@code ..} segments ({@code .} ones too, in a URI), control characters or a query or
     *     fragment; or when it is a relative path whose first segment holds a {@code ':'} (ambiguous with a
     *     URI: write {@code ./a:b})
     */
    public static StoreUri parse(String input) {
        if (input == null || input.isBlank()) {
            throw new InvalidStoreUriException(String.valueOf(input), "the location is empty");
        }
        if (hasControl(input)) {
            throw new InvalidStoreUriException(printable(input), "the location contains control characters");
        }
        if (!input.equals(input.strip())) {
            throw new InvalidStoreUriException(input, "the location has leading or trailing white space");
        }
        int colon = input.indexOf(':');
        int slash = input.indexOf('/');
        boolean hasScheme = colon > 0 && (slash < 0 || colon < slash);
        if (!hasScheme) {
            // "::::" or ":x" would otherwise become a directory of that name in the working directory, when the
            // user most likely mistyped a URI; "./a:b" says a local name is meant.
            String first = slash < 0 ? input : input.substring(0, slash);
            if (first.indexOf(':') >= 0) {
                throw new InvalidStoreUriException(input, "it has no valid URI scheme, and as a relative path its first "
                        + "segment '" + first + "' contains ':'; write ./" + input + " if a local name was meant");
            }
            return ofLocalPath(input);
        }
        String scheme = input.substring(0, colon).toLowerCase(Locale.ROOT);
        if (!SCHEME.matcher(scheme).matches()) {
            throw new InvalidStoreUriException(input, "'" + input.substring(0, colon) + "' is not a valid URI scheme");
        }
        if (input.indexOf('?') >= 0 || input.indexOf('#') >= 0) {
            throw new InvalidStoreUriException(input, "queries and fragments ('?', '#') are not supported");
        }
        String rest = input.substring(colon + 1);
        if (isFile(scheme)) {
            return parseFile(input, rest);
        }
        if (!rest.startsWith("//")) {
            throw new InvalidStoreUriException(input, "expected " + scheme + "://authority/path");
        }
        rest = rest.substring(2);
        int end = rest.indexOf('/');
        String authority = end < 0 ? rest : rest.substring(0, end);
        String path = end < 0 ? "" : rest.substring(end + 1);
        if (authority.isEmpty()) {
            throw new InvalidStoreUriException(input, "the " + scheme + " URI has no authority (bucket, container or host)");
        }
        return new StoreUri(scheme, authority, normalize(input, path));
    }

    /**
     * A {@code file} location for a local path; relative paths are resolved against the working directory.
     * {@code .} segments are dropped (locally they name the same directory, and {@code ./a:b} is how a name
     * holding ':' is told apart from a URI); {@code ..} is refused.
     */
    public static StoreUri ofLocalPath(String localPath) {
        String absolute;
        try {
            absolute = Path.of(localPath).toAbsolutePath().toString();
        } catch (RuntimeException e) {
            throw new InvalidStoreUriException(localPath, "not a valid local path: " + e.getMessage());
        }
        String withoutDots = Arrays.stream(absolute.replace('\\', '/').split("/", -1))
                .filter(segment -> !segment.equals("."))
                .collect(Collectors.joining("/"));
        return new StoreUri("file", "", normalize(localPath, withoutDots));
    }

    private static StoreUri parseFile(String input, String rest) {
        if (rest.startsWith("//")) {
            String afterSlashes = rest.substring(2);
            int end = afterSlashes.indexOf('/');
            String host = end < 0 ? afterSlashes : afterSlashes.substring(0, end);
            if (!host.isEmpty() && !host.equals("localhost")) {
                throw new InvalidStoreUriException(input, "file URIs name no host (use file:///path)");
            }
            rest = end < 0 ? "/" : afterSlashes.substring(end);
        }
        if (!rest.startsWith("/")) {
            throw new InvalidStoreUriException(input, "a file URI needs an absolute path, as in file:///path");
        }
        return new StoreUri("file", "", normalize(input, rest));
    }

    private static String normalize(String input, String path) {
        List<String> segments = new ArrayList<>();
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty()) {
                continue;
            }
            if (segment.equals(".") || segment.equals("..")) {
                throw new InvalidStoreUriException(input, "'.' and '..' segments are not allowed");
            }
            segments.add(segment);
        }
        return String.join("/", segments);
    }

    private static void checkSegments(String shown, String path) {
        if (path.isEmpty()) {
            return;
        }
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new InvalidStoreUriException(shown, "empty, '.' and '..' segments are not allowed");
            }
        }
        if (hasControl(path)) {
            throw new InvalidStoreUriException(printable(shown), "the path contains control characters");
        }
    }

    private static boolean isFile(String scheme) {
        return scheme.equals("file");
    }

    private static boolean hasControl(String s) {
        return s.chars().anyMatch(c -> c < 0x20 || c == 0x7f);
    }

    private static boolean hasControlOrSpace(String s) {
        return s.chars().anyMatch(c -> c <= 0x20 || c == 0x7f);
    }

    /** {@code s} as a message may show it: each control character (a newline, an escape) as {@code ?}. */
    public static String printable(String s) {
        return s.replaceAll("\\p{Cntrl}", "?");
    }

    /**
     * Whether {@link #resolve} can hold {@code name} below this location (it cannot hold control characters,
     * for one). A store lists an entry it cannot name as skipped, never failing the whole listing.
     */
    public boolean canHold(String name) {
        try {
            resolve(name);
            return true;
        } catch (InvalidStoreUriException e) {
            return false;
        }
    }

    /**
     * This location, for a store that serves {@code schemes}: what every store checks first of a location
     * it is given (see {@link CheckpointStore}'s edges).
     *
     * @throws InvalidStoreUriException when its scheme is not one of {@code schemes}
     */
    public StoreUri requireScheme(Set<String> schemes) {
        if (!schemes.contains(scheme)) {
            throw new InvalidStoreUriException(toString(), "this store serves " + String.join(", ", new TreeSet<>(schemes))
                    + ", not " + scheme);
        }
        return this;
    }

    /**
     * This location as an object's, for a store that serves {@code schemes}: the root of a bucket or
     * container names no object.
     *
     * @throws InvalidStoreUriException when its scheme is not one of {@code schemes} or its path is empty
     */
    public StoreUri requireObject(Set<String> schemes) {
        requireScheme(schemes);
        if (path.isEmpty()) {
            throw new InvalidStoreUriException(toString(), "the root of " + (authority.isEmpty() ? "the file system" : authority)
                    + " names no object");
        }
        return this;
    }

    /**
     * This location as an object's, for a store that serves {@code schemes} and holds names within
     * {@code limits} (its {@link CheckpointStore#nameLimits()}).
     *
     * @throws InvalidStoreUriException when its scheme is not one of {@code schemes}, its path is empty, or its
     *     path exceeds one of {@code limits}
     */
    public StoreUri requireObject(Set<String> schemes, List<NameLimit> limits) {
        return NameLimit.requireWithin(limits, requireObject(schemes));
    }

    /**
     * {@code target}, as the target of a copy from this object in a store that serves {@code schemes} and holds
     * names within {@code limits}: both ends are objects' locations ({@link #requireObject(Set, List)}), and in
     * one container, since a copy never leaves the container of its source (see {@link CheckpointStore#copy}).
     *
     * @throws InvalidStoreUriException when either end is no object's location this store can hold
     * @throws UnsupportedStoreOperationException carrying {@code target} when it lies in another container
     *     (another authority: bucket, container or name node)
     */
    public StoreUri requireCopyTo(StoreUri target, Set<String> schemes, List<NameLimit> limits)
            throws UnsupportedStoreOperationException {
        requireObject(schemes, limits);
        target.requireObject(schemes, limits);
        if (!authority.equals(target.authority)) {
            throw new UnsupportedStoreOperationException(target, "cannot copy " + this + " to " + target
                    + ": a copy stays within the container of its source (" + target.authority + " is not " + authority + ")", null);
        }
        return target;
    }

    /** The location of {@code relative} below this one; {@code relative} may hold several segments. */
    public StoreUri resolve(String relative) {
        if (relative == null || relative.isEmpty()) {
            throw new InvalidStoreUriException(String.valueOf(relative), "a child name must not be empty");
        }
        String joined = path.isEmpty() ? relative : path + "/" + relative;
        checkSegments(this + "/" + relative, joined);
        return new StoreUri(scheme, authority, joined);
    }

    /** The parent location, or empty at the root of the authority. */
    public Optional<StoreUri> parent() {
        if (path.isEmpty()) {
            return Optional.empty();
        }
        int slash = path.lastIndexOf('/');
        return Optional.of(new StoreUri(scheme, authority, slash < 0 ? "" : path.substring(0, slash)));
    }

    /** The last path segment, or the empty string at the root. */
    public String name() {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    /** Whether {@code other} is this location or lies below it. */
    public boolean contains(StoreUri other) {
        if (!scheme.equals(other.scheme) || !authority.equals(other.authority)) {
            return false;
        }
        return path.isEmpty() || other.path.equals(path) || other.path.startsWith(path + "/");
    }

    /** The path of {@code descendant} relative to this location ("" for this location itself). */
    public String relativize(StoreUri descendant) {
        if (!contains(descendant)) {
            throw new IllegalArgumentException(descendant + " is not below " + this);
        }
        if (descendant.path.equals(path)) {
            return "";
        }
        return path.isEmpty() ? descendant.path : descendant.path.substring(path.length() + 1);
    }

    /** For {@code file} locations, the local path. */
    public Path toLocalPath() {
        if (!isFile(scheme)) {
            throw new IllegalStateException(this + " is not a local path");
        }
        return Path.of("/" + path);
    }

    /** {@code file:///x/y} for local paths, {@code scheme://authority/x/y} otherwise. */
    @Override
    public String toString() {
        return scheme + "://" + authority + "/" + path;
    }
}
