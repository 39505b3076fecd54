package dev.laststate.azure;

import dev.laststate.store.InvalidStoreConfigurationException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The options of the {@code azure} store, validated. Credentials are never options: they come from the
 * environment ({@code AZURE_STORAGE_CONNECTION_STRING}, {@code AZURE_STORAGE_SAS_TOKEN},
 * {@code AZURE_STORAGE_KEY}) or from {@code DefaultAzureCredential}.
 *
 * @param endpoint the Blob service endpoint to use instead of the one the location names, such as
 *     {@code http://127.0.0.1:10000/devstoreaccount1} for Azurite (path-style: the account is part of the
 *     endpoint) or a sovereign cloud's; option {@value #ENDPOINT}
 * @param syncCopyMaxBytes objects up to this size are copied with the synchronous Copy Blob From URL, larger
 *     ones with an asynchronous Copy Blob that is polled until done; at most 256 MiB (the service's limit
 *     for the synchronous copy); option {@value #SYNC_COPY_MAX_BYTES}
 */
public record AzureStoreConfig(Optional<URI> endpoint, long syncCopyMaxBytes) {

    /** Option key: the Blob service endpoint. */
    public static final String ENDPOINT = "azure.endpoint";
    /** Option key: the largest object copied with the synchronous copy, in bytes. */
    public static final String SYNC_COPY_MAX_BYTES = "azure.sync-copy-max-bytes";

    /** The service's limit for Copy Blob From URL, 256 MiB. */
    public static final long SYNC_COPY_LIMIT = 256L * 1024 * 1024;

    private static final Set<String> KEYS = Set.of(ENDPOINT, SYNC_COPY_MAX_BYTES);

    public AzureStoreConfig {
        if (endpoint == null) {
            throw new InvalidStoreConfigurationException(ENDPOINT + " must not be null");
        }
        endpoint.ifPresent(AzureStoreConfig::checkEndpoint);
        if (syncCopyMaxBytes < 1 || syncCopyMaxBytes > SYNC_COPY_LIMIT) {
            throw new InvalidStoreConfigurationException(SYNC_COPY_MAX_BYTES + " must be between 1 and " + SYNC_COPY_LIMIT
                    + " (256 MiB), not " + syncCopyMaxBytes);
        }
    }

    /** The defaults: the endpoint the location names, synchronous copies up to 256 MiB. */
    public static AzureStoreConfig defaults() {
        return new AzureStoreConfig(Optional.empty(), SYNC_COPY_LIMIT);
    }

    /**
     * Reads {@code azure.*} options. Options only: no setting of this record comes from the environment (the
     * Azure SDKs define no endpoint variable; a connection string's {@code BlobEndpoint} travels with the
     * credentials, which {@link AzureCheckpointStoreProvider} reads from the environment it is given).
     *
     * @throws InvalidStoreConfigurationException for an unknown key or a malformed value
     */
    public static AzureStoreConfig fromOptions(Map<String, String> options) {
        Set<String> unknown = new TreeSet<>(options.keySet());
        unknown.removeAll(KEYS);
        if (!unknown.isEmpty()) {
            throw new InvalidStoreConfigurationException("unknown azure option(s) " + String.join(", ", unknown)
                    + " (known: " + String.join(", ", new TreeSet<>(KEYS)) + ")");
        }
        Optional<URI> endpoint = Optional.ofNullable(options.get(ENDPOINT)).map(AzureStoreConfig::parseEndpoint);
        long syncCopyMaxBytes = Optional.ofNullable(options.get(SYNC_COPY_MAX_BYTES))
                .map(AzureStoreConfig::parseBytes).orElse(SYNC_COPY_LIMIT);
        return new AzureStoreConfig(endpoint, syncCopyMaxBytes);
    }

    private static URI parseEndpoint(String value) {
        try {
            return new URI(value.endsWith("/") ? value.substring(0, value.length() - 1) : value);
        } catch (URISyntaxException e) {
            // The reason and position only: the value itself may hold a secret.
            throw new InvalidStoreConfigurationException(ENDPOINT + " is not a URL (" + e.getReason() + " at index " + e.getIndex() + ")");
        }
    }

    private static void checkEndpoint(URI endpoint) {
        if (endpoint.getRawQuery() != null || endpoint.getRawFragment() != null || endpoint.getRawUserInfo() != null) {
            throw new InvalidStoreConfigurationException(ENDPOINT + " must hold no query, fragment or user info "
                    + "(a SAS token belongs in AZURE_STORAGE_SAS_TOKEN)");
        }
        String scheme = endpoint.getScheme();
        if (scheme == null || !(scheme.equals("http") || scheme.equals("https")) || endpoint.getHost() == null) {
            throw new InvalidStoreConfigurationException(ENDPOINT + " must be an http or https URL with a host, as in "
                    + "http://127.0.0.1:10000/devstoreaccount1, not '" + endpoint + "'");
        }
    }

    private static long parseBytes(String value) {
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            throw new InvalidStoreConfigurationException(SYNC_COPY_MAX_BYTES + " must be a number of bytes, not '" + value + "'");
        }
    }
}
