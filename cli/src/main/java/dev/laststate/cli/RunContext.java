package dev.laststate.cli;

import java.util.Map;
import java.util.Objects;

/**
 * What one run of the command line is given besides its arguments. Built once in {@link LastStateCommand} and
 * handed by {@link RunFactory} to the commands and mixins that take it in their constructor, never looked up.
 *
 * @param environment the run's environment (the process's, or a test's): stores and the JobManager's
 *     credentials are read from it, never from {@link System#getenv()}
 * @param interruptions what Ctrl-C and SIGTERM stop: a promotion of this run
 */
record RunContext(Map<String, String> environment, Interruptions interruptions) {

    RunContext {
        environment = Map.copyOf(environment);
        Objects.requireNonNull(interruptions, "interruptions");
    }
}
