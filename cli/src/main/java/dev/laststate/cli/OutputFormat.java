package dev.laststate.cli;

/** How results are printed on stdout: a human line (or lines), or one JSON object. */
public enum OutputFormat {
    TEXT,
    JSON
}
