package dev.laststate.rest;

import java.io.IOException;

/**
 * The JobManager could not be asked or gave an answer that cannot be used: unreachable, timed out, an
 * HTTP error, malformed JSON. The message is one line and never holds credentials.
 */
public final class JobManagerException extends IOException {
    private static final long serialVersionUID = 1L;

    public JobManagerException(String message, Throwable cause) {
        super(message, cause);
    }
}
