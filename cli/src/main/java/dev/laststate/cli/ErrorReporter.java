package dev.laststate.cli;

import java.io.PrintWriter;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Turns every failure into one line on stderr ({@code laststate: <message>}) and its exit code, and with
 * {@code --output json} also one JSON object on stdout ({@link Json#error}); stack traces only with
 * {@code --verbose}. Nothing here masks: the streams it writes to are masked ({@link Redactor#mask}).
 */
final class ErrorReporter implements IParameterExceptionHandler, IExecutionExceptionHandler {

    private final String[] args;
    private final Map<String, String> env;
    private final BooleanSupplier verbose;

    ErrorReporter(String[] args, Map<String, String> env, BooleanSupplier verbose) {
        this.args = args.clone();
        this.env = Map.copyOf(env);
        this.verbose = verbose;
    }

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine command = ex.getCommandLine();
        String message = message(ex) + " (see '" + command.getCommandSpec().qualifiedName() + " --help')";
        // Parsing stopped at the error, perhaps before --output: the raw arguments say what was asked for.
        boolean json = OutputOptions.declared(command.getCommandSpec()) && OutputOptions.requested(this.args, env) == OutputFormat.JSON;
        report(command.getOut(), command.getErr(), json, ExitCodes.USAGE, ExitCodes.USAGE, message, Optional.empty());
        return ExitCodes.USAGE;
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine command, ParseResult parseResult) {
        int code = ExitCodes.of(ex);
        String message = message(ex);
        if (code == ExitCodes.INTERNAL_ERROR) {
            message = "internal error: " + ex.getClass().getName() + ": " + message
                    + (verbose.getAsBoolean() ? "" : " (rerun with --verbose for the stack trace)");
        }
        // --allow-nothing: nothing (new) at a managed target is still said, but is not a failure.
        int exitCode = code == ExitCodes.NOTHING_TO_PROMOTE && NothingOption.allowed(command.getCommandSpec()) ? ExitCodes.OK : code;
        report(command.getOut(), command.getErr(), OutputOptions.parsed(command.getCommandSpec()) == OutputFormat.JSON,
                code, exitCode, message, Optional.of(ex));
        return exitCode;
    }

    /** For failures that escape picocli (errors such as a linkage error from a broken class path). */
    int handleUncaught(Throwable failure, PrintWriter out, PrintWriter err) {
        // Which command failed is not known here: the arguments and the environment decide.
        boolean json = OutputOptions.requested(args, env) == OutputFormat.JSON;
        report(out, err, json, ExitCodes.INTERNAL_ERROR, ExitCodes.INTERNAL_ERROR,
                "internal error: " + failure.getClass().getName() + ": " + message(failure), Optional.of(failure));
        return ExitCodes.INTERNAL_ERROR;
    }

    /**
     * One line on stderr, whatever line breaks the message had; the JSON object first; the trace last. {@code code}
     * names the failure, {@code exitCode} is the process's (they differ only with {@code --allow-nothing}).
     */
    private void report(PrintWriter out, PrintWriter err, boolean json, int code, int exitCode, String message,
                        Optional<Throwable> failure) {
        String line = message.strip().replaceAll("\\s*\\R\\s*", " ");
        if (json) {
            Json.print(out, Json.error(code, exitCode, line));
        }
        err.println("laststate: " + line);
        if (verbose.getAsBoolean()) {
            failure.ifPresent(f -> f.printStackTrace(err));
        }
        err.flush();
    }

    private static String message(Throwable failure) {
        String message = failure.getMessage();
        return message == null || message.isBlank() ? failure.getClass().getSimpleName() : message;
    }
}
