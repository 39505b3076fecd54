package dev.laststate.gcs;

import dev.laststate.store.InvalidStoreConfigurationException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The options of the {@code gcs} store, validated. Credentials are never options: they come from Google's
 * Application Default Credentials (a workload identity, {@code GOOGLE_APPLICATION_CREDENTIALS} naming a
 * service-account key file, or {@code gcloud auth application-default login}).
 *
 * @param endpoint the JSON API's base URL ({@value #ENDPOINT}), such as a private service connect endpoint;
 *     empty for Google's own. Without it, {@code STORAGE_EMULATOR_HOST} from the environment is used
 *     (an emulator, reached without credentials)
 * @param project the project ({@value #PROJECT}) that billing and quota go to; empty for the one Application
 *     Default Credentials name (or {@code GOOGLE_CLOUD_PROJECT})
 * @param emulator whether the endpoint is an emulator's ({@code STORAGE_EMULATOR_HOST}): no credentials are used
 * @param credentialsFile a service-account key file ({@code GOOGLE_APPLICATION_CREDENTIALS} in the environment
 *     given); empty for the rest of Application Default Credentials (gcloud's file, a workload identity)
 */
public record GcsStoreConfig(Optional<URI> endpoint, Optional<String> project, boolean emulator, Optional<Path> credentialsFile) {

    /** The JSON API's base URL, as in {@code https://storage.example.internal}. */
    public static final String ENDPOINT = "gcs.endpoint";
    /** The Google Cloud project id. */
    public static final String PROJECT = "gcs.project";
    /** The environment variable Google's client libraries read for an emulator, as in {@code localhost:4443}. */
    public static final String EMULATOR_HOST_VARIABLE = "STORAGE_EMULATOR_HOST";
    /** The environment variable naming a service-account key file (Application Default Credentials). */
    public static final String CREDENTIALS_VARIABLE = "GOOGLE_APPLICATION_CREDENTIALS";
    /** The environment variable naming the project when {@value #PROJECT} is not given. */
    public static final String PROJECT_VARIABLE = "GOOGLE_CLOUD_PROJECT";

    private static final Set<String> KEYS = Set.of(ENDPOINT, PROJECT);

    public GcsStoreConfig {
        endpoint = endpoint == null ? Optional.empty() : endpoint;
        project = project == null ? Optional.empty() : project;
        credentialsFile = credentialsFile == null ? Optional.empty() : credentialsFile;
        if (emulator && endpoint.isEmpty()) {
            throw new IllegalArgumentException("an emulator needs an endpoint");
        }
    }

    /** A configuration without a key file from the environment. */
    public GcsStoreConfig(Optional<URI> endpoint, Optional<String> project, boolean emulator) {
        this(endpoint, project, emulator, Optional.empty());
    }

    /**
     * Reads {@code gcs.*} options and {@code environment} (the only place a provider reads variables from:
     * {@value #EMULATOR_HOST_VARIABLE}, {@value #PROJECT_VARIABLE}, {@value #CREDENTIALS_VARIABLE}).
     *
     * @throws InvalidStoreConfigurationException for an unknown {@code gcs.*} key or a malformed value
     */
    public static GcsStoreConfig fromOptions(Map<String, String> options, Map<String, String> environment) {
        Set<String> unknown = new TreeSet<>(options.keySet());
        unknown.removeAll(KEYS);
        if (!unknown.isEmpty()) {
            throw new InvalidStoreConfigurationException("unknown option" + (unknown.size() > 1 ? "s " : " ")
                    + String.join(", ", unknown) + " for the gcs store (known: " + String.join(", ", new TreeSet<>(KEYS)) + ")");
        }
        Optional<String> projectVariable = variable(environment, PROJECT_VARIABLE);
        Optional<String> project = Optional.ofNullable(options.get(PROJECT)).or(() -> projectVariable);
        if (project.isPresent() && !project.get().matches("[a-z][a-z0-9.:-]{3,62}")) {
            throw new InvalidStoreConfigurationException((options.containsKey(PROJECT) ? PROJECT : PROJECT_VARIABLE) + " '"
                    + project.get() + "' is not a Google Cloud project id (lower-case letters, digits and hyphens)");
        }
        Optional<Path> credentialsFile = variable(environment, CREDENTIALS_VARIABLE).map(Path::of);
        Optional<String> endpoint = Optional.ofNullable(options.get(ENDPOINT));
        if (endpoint.isPresent()) {
            return new GcsStoreConfig(Optional.of(endpoint(ENDPOINT, endpoint.get())), project, false, credentialsFile);
        }
        Optional<String> emulatorHost = variable(environment, EMULATOR_HOST_VARIABLE);
        if (emulatorHost.isPresent()) {
            String host = emulatorHost.get();
            return new GcsStoreConfig(Optional.of(endpoint(EMULATOR_HOST_VARIABLE, host.contains("://") ? host : "http://" + host)),
                    project, true, Optional.empty());
        }
        return new GcsStoreConfig(Optional.empty(), project, false, credentialsFile);
    }

    private static Optional<String> variable(Map<String, String> environment, String name) {
        return Optional.ofNullable(environment.get(name)).map(String::strip).filter(v -> !v.isEmpty());
    }

    private static URI endpoint(String key, String value) {
        // Never echo user info: it may be a password.
        if (value.contains("@")) {
            throw new InvalidStoreConfigurationException(key + " must not hold user info (credentials come from Application Default Credentials)");
        }
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw new InvalidStoreConfigurationException(key + " '" + value + "' is not a URL: " + e.getReason());
        }
        String scheme = uri.getScheme();
        if (scheme == null || !(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
            throw new InvalidStoreConfigurationException(key + " '" + value + "' is not an http(s) URL with a host, as in https://storage.example.internal");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new InvalidStoreConfigurationException(key + " '" + value + "' must not hold a query or a fragment");
        }
        return uri;
    }
}
