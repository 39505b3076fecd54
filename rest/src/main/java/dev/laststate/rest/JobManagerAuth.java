package dev.laststate.rest;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;

/**
 * Credentials for a JobManager behind an authenticating proxy: a bearer token or a user and password.
 * {@link #toString()} never shows them; they only ever travel in the {@code Authorization} header.
 */
public final class JobManagerAuth {

    private final String header;
    private final String kind;

    private JobManagerAuth(String header, String kind) {
        this.header = header;
        this.kind = kind;
    }

    /** {@code Authorization: Bearer <token>}. */
    public static JobManagerAuth bearer(String token) {
        requireValue(token, "token");
        return new JobManagerAuth("Bearer " + token, "bearer");
    }

    /** {@code Authorization: Basic base64(user:password)}. */
    public static JobManagerAuth basic(String user, String password) {
        requireValue(user, "user");
        requireValue(password, "password");
        String pair = user + ":" + password;
        return new JobManagerAuth("Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)), "basic");
    }

    String header() {
        return header;
    }

    @Override
    public String toString() {
        return kind + " ****";
    }

    private static void requireValue(String value, String what) {
        Objects.requireNonNull(value, what);
        if (value.isBlank() || value.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new IllegalArgumentException("the JobManager " + what + " is empty or holds control characters");
        }
    }
}
