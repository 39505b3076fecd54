package dev.laststate.cli;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Keeps the values of secret-looking {@code -o KEY=VALUE} options out of everything printed: any message
 * (a provider's, picocli's, a stack trace) that contains such a value gets it masked.
 */
final class Redactor {

    static final String MASK = "****";

    /** Substrings of option keys whose values are never echoed. */
    private static final List<String> SENSITIVE = List.of("secret", "key", "token", "password", "credential",
            "connection-string", "sas");

    private final List<String> secrets;

    private Redactor(List<String> secrets) {
        // Longest first, so a secret that contains another is masked whole.
        this.secrets = secrets.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList();
    }

    /** Whether an option key names a secret. */
    static boolean isSensitive(String key) {
        String lower = key.toLowerCase(Locale.ROOT);
        return SENSITIVE.stream().anyMatch(lower::contains);
    }

    /** Collects the secret values of {@code -o}/{@code --option} in the raw arguments, however they were spelled. */
    static Redactor fromArguments(String[] args) {
        List<String> secrets = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String option = null;
            if ((arg.equals("-o") || arg.equals("--option")) && i + 1 < args.length) {
                option = args[++i];
            } else if (arg.startsWith("--option=")) {
                option = arg.substring("--option=".length());
            } else if (arg.startsWith("-o") && !arg.startsWith("--")) {
                option = arg.substring(2);
            }
            if (option == null) {
                continue;
            }
            int eq = option.indexOf('=');
            if (eq > 0 && eq < option.length() - 1 && isSensitive(option.substring(0, eq))) {
                secrets.add(option.substring(eq + 1));
            }
        }
        return new Redactor(secrets);
    }

    /** Also masks the JobManager credentials of the environment (and the Basic header they make). */
    Redactor withEnvironment(java.util.Map<String, String> env) {
        List<String> all = new ArrayList<>(secrets);
        for (String name : List.of(JobManagerOptions.TOKEN, JobManagerOptions.PASSWORD)) {
            String value = env.get(name);
            if (value != null && !value.isBlank()) {
                all.add(value);
            }
        }
        String user = env.get(JobManagerOptions.USER);
        String password = env.get(JobManagerOptions.PASSWORD);
        if (user != null && password != null && !password.isBlank()) {
            all.add(java.util.Base64.getEncoder().encodeToString((user + ":" + password)
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
        return new Redactor(all);
    }

    String redact(String text) {
        String result = text;
        for (String secret : secrets) {
            result = result.replace(secret, MASK);
        }
        return result;
    }
}
