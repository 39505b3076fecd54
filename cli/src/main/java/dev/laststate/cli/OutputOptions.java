package dev.laststate.cli;

import picocli.CommandLine.Option;

/** {@code --output}, shared by the commands that print a result. */
final class OutputOptions {

    @Option(names = "--output", paramLabel = "text|json", defaultValue = "${env:LASTSTATE_OUTPUT:-text}",
            description = "Print text (default) or one JSON object. Env: LASTSTATE_OUTPUT.")
    private OutputFormat format = OutputFormat.TEXT;

    boolean json() {
        return format == OutputFormat.JSON;
    }
}
