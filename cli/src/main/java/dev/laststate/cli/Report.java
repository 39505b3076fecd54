package dev.laststate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * What a command prints of its result, and how it exits, all derived from the one result a report holds: the
 * lines of stdout, the JSON object that replaces them with {@code --output json}, the lines stderr gets in
 * either format, and the exit code ({@link ExitCodes}' mapping of the result). A report prints nothing itself;
 * {@link OutputOptions#print} prints every report the same way. One report a command family: promote and
 * savepoint ({@link PromotionReport}), verify ({@link VerificationReport}), list, status, init.
 */
interface Report {

    /** The lines of stdout in text format, at least one. */
    List<String> text();

    /** The one JSON object stdout gets instead of {@link #text} with {@code --output json}. */
    JsonNode json();

    /**
     * What stderr gets after stdout, in either format, each line printed as {@code laststate: <line>}: what a
     * script must see even when it reads the JSON (a refusal's reason, a warning, missing files). None by default.
     */
    default List<String> stderr() {
        return List.of();
    }

    /** The process's exit code for this result. */
    int exitCode();
}
