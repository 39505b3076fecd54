package dev.laststate.azure;

import com.azure.core.util.Configuration;
import com.azure.core.util.ConfigurationBuilder;
import com.azure.core.util.ConfigurationSource;
import dev.laststate.store.InvalidStoreConfigurationException;
import java.util.Base64;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Where the store's credentials come from, read once from the environment. Holds secrets: its
 * {@link #toString()} names only the source, and nothing here is ever logged.
 */
final class AzureCredentials {

    static final String CONNECTION_STRING = "AZURE_STORAGE_CONNECTION_STRING";
    static final String SAS_TOKEN = "AZURE_STORAGE_SAS_TOKEN";
    static final String ACCOUNT_KEY = "AZURE_STORAGE_KEY";

    enum Source {
        /** {@value #CONNECTION_STRING}: an account key or a SAS, and possibly the endpoint. */
        CONNECTION_STRING,
        /** {@value #SAS_TOKEN}: a shared access signature. */
        SAS_TOKEN,
        /** {@value #ACCOUNT_KEY}: the account key of the account each location names. */
        ACCOUNT_KEY,
        /** None of them: {@code DefaultAzureCredential} (environment, workload or managed identity, Azure CLI). */
        DEFAULT_CHAIN
    }

    private final Source source;
    private final String secret;
    /** The whole environment the store was given: the default chain reads its own variables from it. */
    private final Map<String, String> environment;

    private AzureCredentials(Source source, String secret, Map<String, String> environment) {
        this.source = source;
        this.secret = secret;
        this.environment = Map.copyOf(environment);
    }

    /** The first of connection string, SAS token and account key that is set (and not blank), else the default chain. */
    static AzureCredentials fromEnvironment(Map<String, String> environment) {
        Optional<String> connectionString = nonBlank(environment, CONNECTION_STRING);
        if (connectionString.isPresent()) {
            return new AzureCredentials(Source.CONNECTION_STRING, connectionString.get(), environment);
        }
        Optional<String> sas = nonBlank(environment, SAS_TOKEN);
        if (sas.isPresent()) {
            String token = sas.get().startsWith("?") ? sas.get().substring(1) : sas.get();
            return new AzureCredentials(Source.SAS_TOKEN, token, environment);
        }
        return nonBlank(environment, ACCOUNT_KEY)
                .map(key -> new AzureCredentials(Source.ACCOUNT_KEY, key, environment))
                .orElseGet(() -> new AzureCredentials(Source.DEFAULT_CHAIN, "", environment));
    }

    private static Optional<String> nonBlank(Map<String, String> environment, String name) {
        return Optional.ofNullable(environment.get(name)).map(String::strip).filter(v -> !v.isEmpty());
    }

    /**
     * The environment the store was given, as the SDK's {@link Configuration}: what {@code DefaultAzureCredential}
     * (its environment, workload and managed identity credentials: {@code AZURE_CLIENT_ID}, {@code AZURE_TENANT_ID},
     * {@code AZURE_CLIENT_SECRET}, {@code AZURE_FEDERATED_TOKEN_FILE}, {@code IDENTITY_ENDPOINT}, ...), the client
     * builders and the HTTP transport (proxy variables) read instead of {@link System#getenv()}. JVM system
     * properties are still seen, as the SDK's global configuration would.
     *
     * <p>What the SDK does not allow: azure-core looks a name its environment source lacks up in
     * {@code System.getenv} ({@code EnvironmentConfiguration.getOrLoad}), so every name the SDK is known to read
     * ({@link #SDK_VARIABLES}) that the map lacks is given as explicitly absent; a name outside that list still
     * falls through to the JVM's environment. The Azure CLI, Azure Developer CLI and PowerShell credentials run a
     * child process, which inherits the JVM's own environment.
     */
    Configuration sdkConfiguration() {
        ConfigurationSource none = path -> Map.of();
        ConfigurationSource systemProperties = path -> {
            Map<String, String> properties = new HashMap<>();
            System.getProperties().forEach((key, value) -> properties.put(String.valueOf(key), String.valueOf(value)));
            return within(properties, path);
        };
        Map<String, String> variables = new HashMap<>();
        SDK_VARIABLES.forEach(name -> variables.put(name, null));
        variables.putAll(environment);
        return new ConfigurationBuilder(none, systemProperties, path -> within(variables, path)).build();
    }

    /**
     * The environment variables the SDK reads: azure-core's {@code Configuration.PROPERTY_*} names (credentials,
     * proxies, logging, tracing) and those azure-identity reads for managed and workload identity.
     */
    static final Set<String> SDK_VARIABLES = sdkVariables();

    private static Set<String> sdkVariables() {
        Set<String> names = new TreeSet<>(List.of("AZURE_FEDERATED_TOKEN_FILE", "AZURE_AUTHORITY_HOST", "AZURE_TOKEN_CREDENTIALS",
                "AZURE_CLIENT_CERTIFICATE_PATH", "AZURE_CLIENT_CERTIFICATE_PASSWORD", "AZURE_CLIENT_SEND_CERTIFICATE_CHAIN",
                "AZURE_USERNAME", "AZURE_PASSWORD", "AZURE_ADDITIONALLY_ALLOWED_TENANTS", "AZURE_REGIONAL_AUTHORITY_NAME",
                "AZURE_POD_IDENTITY_AUTHORITY_HOST", "IDENTITY_ENDPOINT", "IDENTITY_HEADER", "IDENTITY_SERVER_THUMBPRINT",
                "IMDS_ENDPOINT", "MSI_ENDPOINT", "MSI_SECRET", "AZURE_STORAGE_CONNECTION_STRING"));
        for (Field field : Configuration.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class && field.getName().startsWith("PROPERTY_")) {
                try {
                    names.add((String) field.get(null));
                } catch (IllegalAccessException notPublic) {
                    // public by getFields(); nothing to add otherwise
                }
            }
        }
        return Set.copyOf(names);
    }

    private static Map<String, String> within(Map<String, String> all, String path) {
        if (path == null || path.isEmpty()) {
            return all;
        }
        Map<String, String> found = new HashMap<>();
        all.forEach((key, value) -> {
            if (key.startsWith(path)) {
                found.put(key, value);
            }
        });
        return found;
    }

    Source source() {
        return source;
    }

    /** The connection string, SAS token or account key; empty for the default chain. */
    String secret() {
        return secret;
    }

    /** Whether the connection string names its own Blob endpoint (Azurite's development storage does). */
    boolean connectionStringNamesEndpoint() {
        return source == Source.CONNECTION_STRING
                && (connectionStringPart("BlobEndpoint").isPresent()
                || connectionStringPart("UseDevelopmentStorage").filter(v -> v.equalsIgnoreCase("true")).isPresent());
    }

    /** The SAS token requests carry, if the credentials are one (as such or inside the connection string). */
    Optional<String> sasToken() {
        return switch (source) {
            case SAS_TOKEN -> Optional.of(secret);
            case CONNECTION_STRING -> connectionStringPart("SharedAccessSignature");
            default -> Optional.empty();
        };
    }

    /** Whether requests are signed with an account key, which can also sign a SAS for a copy's source. */
    boolean isSharedKey() {
        return source == Source.ACCOUNT_KEY || (source == Source.CONNECTION_STRING && sasToken().isEmpty());
    }

    private Optional<String> connectionStringPart(String name) {
        for (String part : secret.split(";")) {
            int equals = part.indexOf('=');
            if (equals > 0 && part.substring(0, equals).strip().toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
                String value = part.substring(equals + 1).strip();
                return value.isEmpty() ? Optional.empty() : Optional.of(value);
            }
        }
        return Optional.empty();
    }

    /**
     * Rejects, without showing them, a connection string that is neither a key nor a SAS nor development
     * storage, and an account key that is not Base64 (the SDK would fail only when signing the first request).
     */
    void check() {
        if (source == Source.CONNECTION_STRING && connectionStringPart("AccountKey").isEmpty() && sasToken().isEmpty()
                && !connectionStringNamesEndpoint()) {
            throw new InvalidStoreConfigurationException(CONNECTION_STRING + " holds neither AccountKey nor SharedAccessSignature");
        }
        Optional<String> key = source == Source.ACCOUNT_KEY ? Optional.of(secret)
                : source == Source.CONNECTION_STRING ? connectionStringPart("AccountKey") : Optional.empty();
        if (key.isPresent()) {
            try {
                Base64.getDecoder().decode(key.get());
            } catch (IllegalArgumentException notBase64) {
                throw new InvalidStoreConfigurationException("the account key in " + (source == Source.ACCOUNT_KEY ? ACCOUNT_KEY : CONNECTION_STRING)
                        + " is not valid Base64");
            }
        }
    }

    @Override
    public String toString() {
        return "AzureCredentials[" + source + "]";
    }
}
