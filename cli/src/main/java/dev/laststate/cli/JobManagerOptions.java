package dev.laststate.cli;

import dev.laststate.rest.JobManagerAuth;
import dev.laststate.rest.JobManagerConnection;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code --jobmanager} and its connection flags, shared by promote and savepoint. Credentials come from
 * the environment only ({@code LASTSTATE_JOBMANAGER_TOKEN}, or {@code LASTSTATE_JOBMANAGER_USER} and
 * {@code LASTSTATE_JOBMANAGER_PASSWORD}), never from a flag.
 */
final class JobManagerOptions {

    static final String TOKEN = "LASTSTATE_JOBMANAGER_TOKEN";
    static final String USER = "LASTSTATE_JOBMANAGER_USER";
    static final String PASSWORD = "LASTSTATE_JOBMANAGER_PASSWORD";

    @Spec(Spec.Target.MIXEE)
    private CommandSpec command;

    @Option(names = "--jobmanager", paramLabel = "URL", defaultValue = "${env:LASTSTATE_JOBMANAGER}",
            description = "The JobManager's REST endpoint, http(s)://host:8081: it tells which job runs, whether it restored "
                    + "state, and the newest checkpoint storage must hold. Env: LASTSTATE_JOBMANAGER.")
    private String url;

    @Option(names = "--job-name", paramLabel = "NAME", defaultValue = "${env:LASTSTATE_JOB_NAME}",
            description = "With --jobmanager: only the job of this name. Env: LASTSTATE_JOB_NAME.")
    private String jobName;

    @Option(names = "--connect-timeout", paramLabel = "DURATION", defaultValue = "${env:LASTSTATE_CONNECT_TIMEOUT:-5s}",
            description = "Connecting to the JobManager may take this long (default 5s; 500ms, 5s, 1m). Env: LASTSTATE_CONNECT_TIMEOUT.")
    private String connectTimeout = "5s";

    @Option(names = "--read-timeout", paramLabel = "DURATION", defaultValue = "${env:LASTSTATE_READ_TIMEOUT:-30s}",
            description = "One JobManager answer may take this long (default 30s). Env: LASTSTATE_READ_TIMEOUT.")
    private String readTimeout = "30s";

    @Option(names = "--jobmanager-ca", paramLabel = "FILE", defaultValue = "${env:LASTSTATE_JOBMANAGER_CA}",
            description = "PEM certificates to trust for an https JobManager, instead of the JVM's. Env: LASTSTATE_JOBMANAGER_CA.")
    private Path caFile;

    /** The run's environment, the only place credentials are read from. */
    private final Map<String, String> environment;

    JobManagerOptions(RunContext run) {
        this.environment = run.environment();
    }

    /** Whether a JobManager was given. */
    boolean given() {
        return url != null && !url.isBlank();
    }

    /** {@code --job-name}, when given (not blank); only a JobManager can match it. */
    Optional<String> jobName() {
        return Optional.ofNullable(jobName).filter(n -> !n.isBlank());
    }

    /** Checks the flags; called before anything is opened. */
    JobManagerConnection connection() {
        URI uri;
        try {
            uri = new URI(url.endsWith("/") ? url : url + "/");
        } catch (URISyntaxException e) {
            throw new ParameterException(command.commandLine(), EnvironmentDefaults.given(command, "--jobmanager", url) + " is not a URL: " + e.getReason());
        }
        try {
            return JobManagerConnection.of(uri)
                    .withTimeouts(duration(connectTimeout, "--connect-timeout"), duration(readTimeout, "--read-timeout"))
                    .withCaFile(Optional.ofNullable(caFile))
                    .withAuth(auth(environment));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(command.commandLine(), e.getMessage());
        }
    }

    private Optional<JobManagerAuth> auth(Map<String, String> env) {
        String token = blankToNull(env.get(TOKEN));
        String user = blankToNull(env.get(USER));
        String password = blankToNull(env.get(PASSWORD));
        if (token != null && (user != null || password != null)) {
            throw new IllegalArgumentException("set either " + TOKEN + " or " + USER + " and " + PASSWORD + ", not both");
        }
        if (token != null) {
            return Optional.of(JobManagerAuth.bearer(token));
        }
        if (user != null || password != null) {
            if (user == null || password == null) {
                throw new IllegalArgumentException(USER + " and " + PASSWORD + " go together");
            }
            return Optional.of(JobManagerAuth.basic(user, password));
        }
        return Optional.empty();
    }

    /** {@code 500ms}, {@code 5s}, {@code 2m}, {@code 1h}, or ISO-8601 ({@code PT5S}). */
    Duration duration(String value, String flag) {
        return parseDuration(value).orElseThrow(() -> new ParameterException(command.commandLine(),
                EnvironmentDefaults.given(command, flag, value) + " is not a positive duration such as 500ms, 5s, 2m or 1h"));
    }

    static Optional<Duration> parseDuration(String value) {
        String v = value.strip().toLowerCase(Locale.ROOT);
        try {
            Duration d;
            if (v.startsWith("pt")) {
                d = Duration.parse(v.toUpperCase(Locale.ROOT));
            } else if (v.endsWith("ms")) {
                d = Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            } else if (v.endsWith("s")) {
                d = Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)));
            } else if (v.endsWith("m")) {
                d = Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1)));
            } else if (v.endsWith("h")) {
                d = Duration.ofHours(Long.parseLong(v.substring(0, v.length() - 1)));
            } else {
                return Optional.empty();
            }
            return d.isNegative() || d.isZero() ? Optional.empty() : Optional.of(d);
        } catch (NumberFormatException | DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
