package dev.laststate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code --output}, shared by the commands that print a result, and the printing of that result. */
final class OutputOptions {

    @Spec(Spec.Target.MIXEE)
    private CommandSpec command;

    @Option(names = "--output", paramLabel = "text|json", defaultValue = "${env:LASTSTATE_OUTPUT:-text}",
            description = "Print text (default) or one JSON object. Env: LASTSTATE_OUTPUT.")
    private OutputFormat format = OutputFormat.TEXT;

    /** Prints the result on stdout: {@code json} on one line with {@code --output json}, else {@code text}. */
    void print(JsonNode json, String text) {
        PrintWriter out = command.commandLine().getOut();
        if (format == OutputFormat.JSON) {
            Json.print(out, json);
            return;
        }
        out.println(text);
        out.flush();
    }
}
