package dev.laststate.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.function.BooleanSupplier;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Turns every failure into one line on stderr ({@code laststate: <message>}) and its exit code; stack traces
 * only with {@code --verbose}. Secret option values are masked in both.
 */
final class ErrorReporter implements IParameterExceptionHandler, IExecutionExceptionHandler {

    private final Redactor redactor;
    private final BooleanSupplier verbose;

    ErrorReporter(Redactor redactor, BooleanSupplier verbose) {
        this.redactor = redactor;
        this.verbose = verbose;
    }

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine command = ex.getCommandLine();
        report(command.getErr(), message(ex) + " (see '" + command.getCommandSpec().qualifiedName() + " --help')");
        return ExitCodes.USAGE;
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine command, ParseResult parseResult) {
        int code = ExitCodes.of(ex);
        PrintWriter err = command.getErr();
        String message = message(ex);
        if (code == ExitCodes.INTERNAL_ERROR) {
            message = "internal error: " + ex.getClass().getName() + ": " + message
                    + (verbose.getAsBoolean() ? "" : " (rerun with --verbose for the stack trace)");
        }
        report(err, message);
        if (verbose.getAsBoolean()) {
            StringWriter trace = new StringWriter();
            ex.printStackTrace(new PrintWriter(trace));
            err.print(redactor.redact(trace.toString()));
            err.flush();
        }
        return code;
    }

    /** For failures that escape picocli (errors such as a linkage error from a broken class path). */
    int handleUncaught(Throwable failure, PrintWriter err) {
        report(err, "internal error: " + failure.getClass().getName() + ": " + message(failure));
        if (verbose.getAsBoolean()) {
            StringWriter trace = new StringWriter();
            failure.printStackTrace(new PrintWriter(trace));
            err.print(redactor.redact(trace.toString()));
        }
        err.flush();
        return ExitCodes.INTERNAL_ERROR;
    }

    /** Prints one line, whatever line breaks the message had. */
    void report(PrintWriter err, String message) {
        err.println("laststate: " + redactor.redact(message.strip().replaceAll("\\s*\\R\\s*", " ")));
        err.flush();
    }

    private static String message(Throwable failure) {
        String message = failure.getMessage();
        return message == null || message.isBlank() ? failure.getClass().getSimpleName() : message;
    }
}
