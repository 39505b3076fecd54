package dev.laststate.s3;

import dev.laststate.store.InvalidStoreConfigurationException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The S3 store's configuration, parsed once when the store opens ({@link #fromOptions}). Options
 * ({@code -o s3.key=value}) win over the standard AWS environment variables the store is given; credentials
 * are never part of it (see {@link S3CheckpointStoreProvider}).
 *
 * @param endpoint where requests go; empty for AWS's own regional endpoints
 * @param region the signing region; empty to look it up when the store opens (the profile, then instance
 *     metadata on AWS)
 * @param pathStyle {@code https://endpoint/bucket/key} instead of {@code https://bucket.endpoint/key}
 * @param maxConcurrency how many requests may be in flight at once (the HTTP connection pool's size)
 * @param multipartCopyThreshold objects larger than this many bytes are copied in parts
 */
public record S3StoreConfig(Optional<URI> endpoint, Optional<String> region, boolean pathStyle, int maxConcurrency,
                            long multipartCopyThreshold) {

    /** Option: the endpoint URL of an S3-compatible store, such as {@code http://127.0.0.1:9000}. */
    public static final String ENDPOINT = "s3.endpoint";
    /** Option: the region, such as {@code eu-west-1}. */
    public static final String REGION = "s3.region";
    /** Option: {@code true} or {@code false}; default {@code true} when an endpoint is given. */
    public static final String PATH_STYLE = "s3.path-style";
    /** Option: the most requests in flight at once; default {@value #DEFAULT_MAX_CONCURRENCY}. */
    public static final String MAX_CONCURRENCY = "s3.max-concurrency";
    /** Option: size above which copies go in parts, in bytes or with a unit ({@code 64MiB}, {@code 5GiB}). */
    public static final String MULTIPART_COPY_THRESHOLD = "s3.multipart-copy-threshold";

    /** The keys this store accepts. */
    public static final Set<String> KEYS = Set.of(ENDPOINT, REGION, PATH_STYLE, MAX_CONCURRENCY, MULTIPART_COPY_THRESHOLD);

    public static final int DEFAULT_MAX_CONCURRENCY = 64;
    /** S3 copies at most 5 GiB in one request. */
    public static final long MAX_SINGLE_COPY = 5L * 1024 * 1024 * 1024;
    /** S3's smallest part (except the last). */
    public static final long MIN_PART = 5L * 1024 * 1024;

    public S3StoreConfig {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(region, "region");
        if (maxConcurrency < 1 || maxConcurrency > 1024) {
            throw new InvalidStoreConfigurationException(MAX_CONCURRENCY + " must be between 1 and 1024, not " + maxConcurrency);
        }
        if (multipartCopyThreshold < MIN_PART || multipartCopyThreshold > MAX_SINGLE_COPY) {
            throw new InvalidStoreConfigurationException(MULTIPART_COPY_THRESHOLD + " must be between 5MiB and 5GiB (S3's part "
                    + "limits), not " + multipartCopyThreshold + " bytes");
        }
    }

    /**
     * The configuration from {@code s3.*} options, falling back to the AWS environment variables in
     * {@code environment} (never the process's own): the endpoint from {@code AWS_ENDPOINT_URL_S3}, then
     * {@code AWS_ENDPOINT_URL}; the region from {@code AWS_REGION}, then {@code AWS_DEFAULT_REGION}. A region
     * decided by neither is looked up when the store opens (the profile named in {@code environment}, and
     * the instance metadata on AWS).
     *
     * @throws InvalidStoreConfigurationException for an unknown key or a malformed value, naming the key or
     *     variable (never echoing anything but the value of a non-secret setting)
     */
    public static S3StoreConfig fromOptions(Map<String, String> options, Map<String, String> environment) {
        Set<String> unknown = new TreeSet<>(options.keySet());
        unknown.removeAll(KEYS);
        if (!unknown.isEmpty()) {
            throw new InvalidStoreConfigurationException("unknown S3 option(s) " + String.join(", ", unknown) + "; known: "
                    + String.join(", ", new TreeSet<>(KEYS)));
        }
        Optional<URI> endpoint = Optional.ofNullable(options.get(ENDPOINT)).map(v -> endpoint(ENDPOINT, v))
                .or(() -> nonBlank(environment.get("AWS_ENDPOINT_URL_S3")).map(v -> endpoint("AWS_ENDPOINT_URL_S3", v)))
                .or(() -> nonBlank(environment.get("AWS_ENDPOINT_URL")).map(v -> endpoint("AWS_ENDPOINT_URL", v)));
        Optional<String> region = Optional.ofNullable(options.get(REGION)).map(v -> region(REGION, v))
                .or(() -> nonBlank(environment.get("AWS_REGION")).map(v -> region("AWS_REGION", v)))
                .or(() -> nonBlank(environment.get("AWS_DEFAULT_REGION")).map(v -> region("AWS_DEFAULT_REGION", v)));
        boolean pathStyle = Optional.ofNullable(options.get(PATH_STYLE)).map(S3StoreConfig::bool).orElse(endpoint.isPresent());
        int maxConcurrency = Optional.ofNullable(options.get(MAX_CONCURRENCY)).map(S3StoreConfig::integer)
                .orElse(DEFAULT_MAX_CONCURRENCY);
        long threshold = Optional.ofNullable(options.get(MULTIPART_COPY_THRESHOLD)).map(S3StoreConfig::bytes)
                .orElse(MAX_SINGLE_COPY);
        return new S3StoreConfig(endpoint, region, pathStyle, maxConcurrency, threshold);
    }

    private static String region(String key, String value) {
        String v = value.strip();
        if (!v.matches("[a-z0-9-]+")) {
            throw new InvalidStoreConfigurationException(key + " must be a region name such as eu-west-1, not '" + value + "'");
        }
        return v;
    }

    private static Optional<String> nonBlank(String value) {
        return Optional.ofNullable(value).map(String::strip).filter(v -> !v.isEmpty());
    }

    private static URI endpoint(String key, String value) {
        try {
            URI uri = new URI(value.strip());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                throw new InvalidStoreConfigurationException(key + " must be an http(s) URL such as http://127.0.0.1:9000, not '"
                        + value + "'");
            }
            if (uri.getUserInfo() != null || uri.getQuery() != null) {
                // Keys in a URL would end up in messages and logs.
                throw new InvalidStoreConfigurationException(key + " must not hold user information or a query");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new InvalidStoreConfigurationException(key + " is not a URL: " + e.getMessage());
        }
    }

    private static boolean bool(String value) {
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new InvalidStoreConfigurationException(PATH_STYLE + " must be true or false, not '" + value + "'");
        };
    }

    private static int integer(String value) {
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new InvalidStoreConfigurationException(MAX_CONCURRENCY + " must be a whole number, not '" + value + "'");
        }
    }

    private static long bytes(String value) {
        String v = value.strip();
        long unit = 1;
        for (Map.Entry<String, Long> suffix : Map.of("KiB", 1024L, "MiB", 1024L * 1024, "GiB", 1024L * 1024 * 1024).entrySet()) {
            if (v.endsWith(suffix.getKey())) {
                unit = suffix.getValue();
                v = v.substring(0, v.length() - suffix.getKey().length()).strip();
            }
        }
        try {
            return Math.multiplyExact(Long.parseLong(v), unit);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new InvalidStoreConfigurationException(MULTIPART_COPY_THRESHOLD + " must be a size in bytes or with a unit "
                    + "(KiB, MiB, GiB), not '" + value + "'");
        }
    }
}
