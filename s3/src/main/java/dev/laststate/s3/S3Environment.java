package dev.laststate.s3;

import dev.laststate.store.InvalidStoreConfigurationException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.auth.credentials.InstanceProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.profiles.ProfileProperty;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.InstanceProfileRegionProvider;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.StsClientBuilder;
import software.amazon.awssdk.services.sts.auth.StsWebIdentityTokenFileCredentialsProvider;

/**
 * What the S3 client takes from the environment variables the store was given, never from the process's
 * own ({@link System#getenv()} is not read; see {@link dev.laststate.store.CheckpointStoreProvider#open}):
 * the credentials, the shared profile, the region a profile or instance metadata names, and the retry
 * mode. What the map decides is used alone; the profile file and the container and instance metadata
 * services are asked only for what it leaves open.
 *
 * <p>Credentials, first match wins: {@code AWS_ACCESS_KEY_ID} + {@code AWS_SECRET_ACCESS_KEY}
 * (+ {@code AWS_SESSION_TOKEN}); web identity ({@code AWS_WEB_IDENTITY_TOKEN_FILE} + {@code AWS_ROLE_ARN},
 * optionally {@code AWS_ROLE_SESSION_NAME}: EKS IRSA) through STS; the profile {@code AWS_PROFILE} names
 * (only it); otherwise the chain of the {@code default} profile, the container credentials endpoint (when
 * {@code AWS_CONTAINER_CREDENTIALS_RELATIVE_URI} or {@code _FULL_URI} is given) and the instance metadata
 * service (unless {@code AWS_EC2_METADATA_DISABLED=true}).
 *
 * @param region the signing region: the configuration's, else the profile's, else (on AWS only) the
 *     instance metadata's; empty when none decides
 * @param credentials who signs the requests
 * @param profileFile the shared config and credentials files ({@code AWS_CONFIG_FILE},
 *     {@code AWS_SHARED_CREDENTIALS_FILE}, else {@code ~/.aws/config} and {@code ~/.aws/credentials});
 *     given to the SDK so it never looks the files up in the process environment itself
 * @param profileName {@code AWS_PROFILE}, else {@code default}
 * @param retryMode {@code AWS_RETRY_MODE} ({@code legacy}, {@code standard}, {@code adaptive}), else standard
 * @param maxAttempts {@code AWS_MAX_ATTEMPTS}, else the retry mode's own
 * @param fips {@code AWS_USE_FIPS_ENDPOINT}
 * @param dualstack {@code AWS_USE_DUALSTACK_ENDPOINT}
 * @param connectTimeout the HTTP client's connect timeout; empty for the SDK's default
 * @param socketTimeout how long a response may stall between two reads; empty for the SDK's default
 * @param closeables what the store closes with its client (the STS client of web identity)
 */
record S3Environment(Optional<Region> region, AwsCredentialsProvider credentials, ProfileFile profileFile, String profileName,
                     RetryMode retryMode, Optional<Integer> maxAttempts, boolean fips, boolean dualstack,
                     Optional<Duration> connectTimeout, Optional<Duration> socketTimeout, List<AutoCloseable> closeables) {

    static final String ACCESS_KEY_ID = "AWS_ACCESS_KEY_ID";
    static final String SECRET_ACCESS_KEY = "AWS_SECRET_ACCESS_KEY";
    static final String SESSION_TOKEN = "AWS_SESSION_TOKEN";
    static final String PROFILE = "AWS_PROFILE";
    static final String WEB_IDENTITY_TOKEN_FILE = "AWS_WEB_IDENTITY_TOKEN_FILE";
    static final String ROLE_ARN = "AWS_ROLE_ARN";
    static final String ROLE_SESSION_NAME = "AWS_ROLE_SESSION_NAME";

    S3Environment {
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(credentials, "credentials");
        Objects.requireNonNull(profileFile, "profileFile");
        Objects.requireNonNull(profileName, "profileName");
        Objects.requireNonNull(retryMode, "retryMode");
        Objects.requireNonNull(maxAttempts, "maxAttempts");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(socketTimeout, "socketTimeout");
        closeables = List.copyOf(closeables);
    }

    /**
     * Everything the client needs from {@code environment}, for a store configured as {@code config}.
     *
     * @throws InvalidStoreConfigurationException for a half-given pair ({@code AWS_ACCESS_KEY_ID} without
     *     {@code AWS_SECRET_ACCESS_KEY}, a token file without a role) or a malformed value, naming the
     *     variable and never a secret
     */
    static S3Environment from(Map<String, String> environment, S3StoreConfig config) {
        String profileName = value(environment, PROFILE).orElse("default");
        ProfileFile profileFile = profileFile(environment);
        Optional<Region> region = config.region().map(Region::of)
                .or(() -> profileFile.profile(profileName).flatMap(p -> p.property(ProfileProperty.REGION)).map(Region::of))
                .or(() -> config.endpoint().isPresent() || metadataDisabled(environment) ? Optional.empty() : instanceRegion());
        RetryMode retryMode = value(environment, "AWS_RETRY_MODE").map(S3Environment::retryMode).orElse(RetryMode.STANDARD);
        Optional<Integer> maxAttempts = value(environment, "AWS_MAX_ATTEMPTS").map(S3Environment::attempts);
        List<AutoCloseable> closeables = new ArrayList<>();
        AwsCredentialsProvider credentials = credentials(environment, region, profileFile, profileName, retryMode, closeables);
        return new S3Environment(region, credentials, profileFile, profileName, retryMode, maxAttempts,
                flag(environment, "AWS_USE_FIPS_ENDPOINT"), flag(environment, "AWS_USE_DUALSTACK_ENDPOINT"),
                Optional.empty(), Optional.empty(), closeables);
    }

    /** This environment with other HTTP timeouts (the tests stall answers past a short one). */
    S3Environment withTimeouts(Duration connect, Duration socket) {
        return new S3Environment(region, credentials, profileFile, profileName, retryMode, maxAttempts, fips, dualstack,
                Optional.of(connect), Optional.of(socket), closeables);
    }

    private static AwsCredentialsProvider credentials(Map<String, String> env, Optional<Region> region, ProfileFile profileFile,
                                                      String profileName, RetryMode retryMode, List<AutoCloseable> closeables) {
        Optional<String> keyId = value(env, ACCESS_KEY_ID);
        Optional<String> secret = value(env, SECRET_ACCESS_KEY);
        if (keyId.isPresent() != secret.isPresent()) {
            throw new InvalidStoreConfigurationException((keyId.isPresent() ? ACCESS_KEY_ID : SECRET_ACCESS_KEY) + " is set without "
                    + (keyId.isPresent() ? SECRET_ACCESS_KEY : ACCESS_KEY_ID));
        }
        if (keyId.isPresent()) {
            Optional<String> token = value(env, SESSION_TOKEN);
            return StaticCredentialsProvider.create(token.isPresent()
                    ? AwsSessionCredentials.create(keyId.get(), secret.get(), token.get())
                    : AwsBasicCredentials.create(keyId.get(), secret.get()));
        }
        Optional<String> tokenFile = value(env, WEB_IDENTITY_TOKEN_FILE);
        Optional<String> roleArn = value(env, ROLE_ARN);
        if (tokenFile.isPresent() != roleArn.isPresent()) {
            throw new InvalidStoreConfigurationException((tokenFile.isPresent() ? WEB_IDENTITY_TOKEN_FILE : ROLE_ARN) + " is set without "
                    + (tokenFile.isPresent() ? ROLE_ARN : WEB_IDENTITY_TOKEN_FILE) + " (web identity needs both)");
        }
        if (tokenFile.isPresent()) {
            StsClient sts = sts(env, region, profileFile, profileName, retryMode);
            closeables.add(sts);
            StsWebIdentityTokenFileCredentialsProvider webIdentity = StsWebIdentityTokenFileCredentialsProvider.builder()
                    .stsClient(sts)
                    .roleArn(roleArn.get())
                    .webIdentityTokenFile(path(env, tokenFile.get()))
                    .roleSessionName(value(env, ROLE_SESSION_NAME).orElse("laststate-" + System.currentTimeMillis()))
                    .build();
            closeables.add(webIdentity);
            return webIdentity;
        }
        if (value(env, PROFILE).isPresent()) {
            // A profile asked for by name is the one meant: failing over to another identity would hide a typo.
            return ProfileCredentialsProvider.builder().profileFile(profileFile).profileName(profileName).build();
        }
        List<AwsCredentialsProvider> chain = new ArrayList<>();
        chain.add(ProfileCredentialsProvider.builder().profileFile(profileFile).profileName(profileName).build());
        if (value(env, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI").isPresent() || value(env, "AWS_CONTAINER_CREDENTIALS_FULL_URI").isPresent()) {
            ContainerCredentialsProvider container = ContainerCredentialsProvider.builder().build();
            closeables.add(container);
            chain.add(container);
        }
        if (!metadataDisabled(env)) {
            InstanceProfileCredentialsProvider instance = InstanceProfileCredentialsProvider.builder()
                    .profileFile(profileFile).profileName(profileName).build();
            closeables.add(instance);
            chain.add(instance);
        }
        return AwsCredentialsProviderChain.builder().credentialsProviders(chain).reuseLastProviderEnabled(true).build();
    }

    /**
     * The STS client web identity asks, built from the same map: AssumeRoleWithWebIdentity is unsigned (the
     * token is the proof), and its endpoint is {@code AWS_ENDPOINT_URL_STS}, else {@code AWS_ENDPOINT_URL},
     * else AWS's regional one.
     */
    private static StsClient sts(Map<String, String> env, Optional<Region> region, ProfileFile profileFile, String profileName,
                                 RetryMode retryMode) {
        StsClientBuilder builder = StsClient.builder()
                .credentialsProvider(AnonymousCredentialsProvider.create())
                .region(region.orElse(Region.US_EAST_1))
                .overrideConfiguration(o -> o.defaultProfileFile(profileFile).defaultProfileName(profileName).retryStrategy(retryMode));
        value(env, "AWS_ENDPOINT_URL_STS").or(() -> value(env, "AWS_ENDPOINT_URL"))
                .map(v -> endpoint(v)).ifPresent(builder::endpointOverride);
        return builder.build();
    }

    private static URI endpoint(String value) {
        try {
            return URI.create(value);
        } catch (IllegalArgumentException e) {
            throw new InvalidStoreConfigurationException("AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL is not a URL");
        }
    }

    /** The shared files the map names (or the default ones below the home directory), those that exist. */
    private static ProfileFile profileFile(Map<String, String> env) {
        Path home = Path.of(value(env, "HOME").orElseGet(() -> System.getProperty("user.home", "")));
        ProfileFile.Aggregator files = ProfileFile.aggregator();
        Path config = value(env, "AWS_CONFIG_FILE").map(p -> expandHome(p, home)).orElse(home.resolve(".aws").resolve("config"));
        Path credentials = value(env, "AWS_SHARED_CREDENTIALS_FILE").map(p -> expandHome(p, home))
                .orElse(home.resolve(".aws").resolve("credentials"));
        try {
            if (Files.isRegularFile(config)) {
                files.addFile(ProfileFile.builder().content(config).type(ProfileFile.Type.CONFIGURATION).build());
            }
            if (Files.isRegularFile(credentials)) {
                files.addFile(ProfileFile.builder().content(credentials).type(ProfileFile.Type.CREDENTIALS).build());
            }
        } catch (SdkException | IllegalArgumentException | IllegalStateException e) {
            // The parser's message quotes the offending line, which may hold a key.
            throw new InvalidStoreConfigurationException("the AWS shared config or credentials file cannot be parsed");
        }
        return files.build();
    }

    private static Path expandHome(String path, Path home) {
        return path.equals("~") ? home : path.startsWith("~/") ? home.resolve(path.substring(2)) : Path.of(path);
    }

    private static Path path(Map<String, String> env, String value) {
        Path home = Path.of(value(env, "HOME").orElseGet(() -> System.getProperty("user.home", "")));
        return expandHome(value, home);
    }

    private static Optional<Region> instanceRegion() {
        try {
            return Optional.of(new InstanceProfileRegionProvider().getRegion());
        } catch (SdkException | IllegalStateException notOnEc2) {
            return Optional.empty();
        }
    }

    private static boolean metadataDisabled(Map<String, String> env) {
        return flag(env, "AWS_EC2_METADATA_DISABLED");
    }

    private static boolean flag(Map<String, String> env, String name) {
        return value(env, name).map(v -> switch (v.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new InvalidStoreConfigurationException(name + " must be true or false, not '" + v + "'");
        }).orElse(false);
    }

    private static RetryMode retryMode(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "legacy" -> RetryMode.LEGACY;
            case "standard" -> RetryMode.STANDARD;
            case "adaptive" -> RetryMode.ADAPTIVE_V2;
            default -> throw new InvalidStoreConfigurationException("AWS_RETRY_MODE must be legacy, standard or adaptive, not '"
                    + value + "'");
        };
    }

    private static int attempts(String value) {
        try {
            int attempts = Integer.parseInt(value);
            if (attempts >= 1) {
                return attempts;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new InvalidStoreConfigurationException("AWS_MAX_ATTEMPTS must be a whole number of at least 1, not '" + value + "'");
    }

    private static Optional<String> value(Map<String, String> env, String name) {
        return Optional.ofNullable(env.get(name)).map(String::strip).filter(v -> !v.isEmpty());
    }
}
