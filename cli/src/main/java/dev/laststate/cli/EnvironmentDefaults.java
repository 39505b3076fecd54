package dev.laststate.cli;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;

/**
 * Resolves {@code defaultValue = "${env:NAME}"} and {@code "${env:NAME:-fallback}"} against a given
 * environment instead of the process's, so tests can pass their own. Picocli's own interpolation is switched
 * off for this (it would read {@link System#getenv()}); main passes the real environment, so the behaviour
 * is picocli's. A blank variable counts as unset, as templated deployments often set empty ones.
 */
final class EnvironmentDefaults implements IDefaultValueProvider {

    private static final Pattern ENV = Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?}");

    private final Map<String, String> env;

    EnvironmentDefaults(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    @Override
    public String defaultValue(ArgSpec arg) {
        String declared = arg.defaultValue();
        if (declared == null) {
            return null;
        }
        Matcher m = ENV.matcher(declared);
        if (!m.matches()) {
            return null;
        }
        String value = env.get(m.group(1));
        if (value != null && !value.isBlank()) {
            return value;
        }
        // NULL_VALUE leaves the field at its initial value instead of falling back to the literal "${env:...}".
        return m.group(2) != null ? m.group(2) : CommandLine.Option.NULL_VALUE;
    }
}
