package dev.laststate.rest;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * How to reach a JobManager's REST endpoint.
 *
 * @param url its base URL, {@code http(s)://host:port[/prefix]}; credentials in it are refused
 * @param connectTimeout how long one connection attempt may take
 * @param readTimeout how long one answer may take
 * @param attempts how often a request is sent at most when the connection fails or the answer is a 5xx
 *     ({@link #DEFAULT_ATTEMPTS}), with a doubling pause from {@link #FIRST_BACKOFF} in between; a timed-out
 *     request is not sent again, so an unreachable JobManager fails within the timeout
 * @param caFile PEM certificates to trust for {@code https} instead of the JVM's
 * @param auth credentials, if any
 */
public record JobManagerConnection(URI url, Duration connectTimeout, Duration readTimeout, int attempts,
                                   Optional<Path> caFile, Optional<JobManagerAuth> auth) {

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(30);
    public static final int DEFAULT_ATTEMPTS = 3;
    public static final Duration FIRST_BACKOFF = Duration.ofMillis(250);

    public JobManagerConnection {
        Objects.requireNonNull(url, "url");
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || url.getHost() == null) {
            throw new IllegalArgumentException("the JobManager URL must be http://host:port or https://host:port, not " + url);
        }
        if (url.getRawUserInfo() != null) {
            throw new IllegalArgumentException("the JobManager URL must not hold credentials; set LASTSTATE_JOBMANAGER_TOKEN"
                    + " or LASTSTATE_JOBMANAGER_USER and LASTSTATE_JOBMANAGER_PASSWORD instead");
        }
        if (url.getRawQuery() != null || url.getRawFragment() != null) {
            throw new IllegalArgumentException("the JobManager URL must not have a query or fragment: " + url);
        }
        requirePositive(connectTimeout, "connect timeout");
        requirePositive(readTimeout, "read timeout");
        if (attempts < 1 || attempts > 10) {
            throw new IllegalArgumentException("attempts must be between 1 and 10, not " + attempts);
        }
        Objects.requireNonNull(caFile, "caFile");
        Objects.requireNonNull(auth, "auth");
    }

    /** Default timeouts and attempts, no custom CA, no credentials. */
    public static JobManagerConnection of(URI url) {
        return new JobManagerConnection(url, DEFAULT_CONNECT_TIMEOUT, DEFAULT_READ_TIMEOUT, DEFAULT_ATTEMPTS,
                Optional.empty(), Optional.empty());
    }

    public JobManagerConnection withTimeouts(Duration connect, Duration read) {
        return new JobManagerConnection(url, connect, read, attempts, caFile, auth);
    }

    public JobManagerConnection withAttempts(int value) {
        return new JobManagerConnection(url, connectTimeout, readTimeout, value, caFile, auth);
    }

    public JobManagerConnection withCaFile(Optional<Path> value) {
        return new JobManagerConnection(url, connectTimeout, readTimeout, attempts, value, auth);
    }

    public JobManagerConnection withAuth(Optional<JobManagerAuth> value) {
        return new JobManagerConnection(url, connectTimeout, readTimeout, attempts, caFile, value);
    }

    private static void requirePositive(Duration d, String what) {
        Objects.requireNonNull(d, what);
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException("the " + what + " must be positive, not " + d);
        }
    }
}
