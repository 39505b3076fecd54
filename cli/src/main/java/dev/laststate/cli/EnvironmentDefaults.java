package dev.laststate.cli;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Resolves {@code defaultValue = "${env:NAME}"} and {@code "${env:NAME:-fallback}"} against a given
 * environment instead of the process's, so tests can pass their own. Picocli's own interpolation is switched
 * off for this (it would read {@link System#getenv()}); main passes the real environment, so the behaviour
 * is picocli's. A blank variable counts as unset, as templated deployments often set empty ones. A value picocli
 * would fail to convert (a boolean, a number, one of a set of words) is refused here, naming the variable rather
 * than the flag the user never typed.
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
            check(arg, m.group(1), value);
            return value;
        }
        // NULL_VALUE leaves the field at its initial value instead of falling back to the literal "${env:...}".
        return m.group(2) != null ? m.group(2) : CommandLine.Option.NULL_VALUE;
    }

    /**
     * How an error names a value: {@code --flag VALUE} when it was typed, {@code VARIABLE: VALUE} when it came
     * from the environment variable of the flag's default.
     */
    static String given(CommandSpec command, String flag, String value) {
        OptionSpec option = command.findOption(flag);
        ParseResult parsed = command.commandLine().getParseResult();
        if (option != null && option.defaultValue() != null && (parsed == null || !parsed.hasMatchedOption(option))) {
            Matcher m = ENV.matcher(option.defaultValue());
            if (m.matches()) {
                return m.group(1) + ": " + value;
            }
        }
        return flag + " " + value;
    }

    /** Refuses what picocli's converters would, with the variable's name. */
    private static void check(ArgSpec arg, String variable, String value) {
        Class<?> type = arg.type();
        String problem = null;
        if (type == boolean.class || type == Boolean.class) {
            if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
                problem = "'" + value + "' is not a boolean (true or false)";
            }
        } else if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
            try {
                Long.parseLong(value.strip());
            } catch (NumberFormatException e) {
                problem = "'" + value + "' is not a whole number";
            }
        } else if (type.isEnum()) {
            String[] names = Arrays.stream(type.getEnumConstants()).map(c -> ((Enum<?>) c).name().toLowerCase(Locale.ROOT))
                    .toArray(String[]::new);
            if (Arrays.stream(names).noneMatch(n -> n.equalsIgnoreCase(value.strip()))) {
                problem = "'" + value + "' is not one of " + String.join(", ", names);
            }
        }
        if (problem != null) {
            throw new ParameterException(arg.command().commandLine(), variable + ": " + problem);
        }
    }
}
