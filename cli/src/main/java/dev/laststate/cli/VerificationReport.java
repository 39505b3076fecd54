package dev.laststate.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.laststate.flink.FlinkLayout;
import dev.laststate.verify.StateFile;
import dev.laststate.verify.Verification;
import java.util.ArrayList;
import java.util.List;

/** {@code verify}, and the verification of {@code promote --verify}: whether a snapshot restores, and what it misses. */
record VerificationReport(Verification verification) implements Report {

    /**
     * {@code RESTORABLE checkpoint 12 in <dir>: 5 of 5 files present (3 relative, 2 absolute), 2 inline, 2 outside it}
     * (or {@code ..., self-contained}), or {@code NOT RESTORABLE ...}; then one {@code outside: <uri>} line per file
     * outside the directory and one {@code missing: <uri>} line per missing file.
     */
    @Override
    public List<String> text() {
        long relative = relativeFiles();
        int files = verification.files().size();
        List<String> lines = new ArrayList<>();
        lines.add((verification.restorable() ? "RESTORABLE" : "NOT RESTORABLE") + " checkpoint "
                + verification.checkpointId() + " in " + verification.directory() + ": "
                + (files - verification.missing().size()) + " of " + files
                + " files present (" + relative + " relative, " + (files - relative) + " absolute), "
                + verification.inlineHandles() + " inline, "
                + (verification.selfContained() ? "self-contained" : verification.outside().size() + " outside it"));
        for (StateFile outside : verification.outside()) {
            lines.add("outside: " + outside.uri());
        }
        for (StateFile missing : verification.missing()) {
            lines.add("missing: " + missing.uri());
        }
        return lines;
    }

    @Override
    public ObjectNode json() {
        ObjectNode node = Json.object();
        node.put("restorable", verification.restorable());
        node.put("directory", verification.directory().toString());
        node.put("checkpointId", verification.checkpointId());
        node.put("files", verification.files().size());
        node.put("relativeFiles", relativeFiles());
        node.put("inlineHandles", verification.inlineHandles());
        node.put("selfContained", verification.selfContained());
        Json.putArray(node, "outside", verification.outside(), file -> TextNode.valueOf(file.uri().toString()));
        Json.putArray(node, "missing", verification.missing(), file -> TextNode.valueOf(file.uri().toString()));
        return node;
    }

    /** Nothing when restorable; else how many files are missing, and the first. */
    @Override
    public List<String> stderr() {
        if (verification.restorable()) {
            return List.of();
        }
        return List.of("not restorable: " + missing(verification));
    }

    /**
     * {@code 2 of 5 files that <dir>/_metadata references are missing, first <uri>}: what a verification that
     * failed found, in the words {@code verify} and {@code promote --verify}'s pre-commit check both use.
     */
    static String missing(Verification verification) {
        return verification.missing().size() + " of " + verification.files().size() + " files that "
                + verification.directory().resolve(FlinkLayout.METADATA) + " references are missing, first "
                + verification.missing().get(0).uri();
    }

    @Override
    public int exitCode() {
        return ExitCodes.of(verification);
    }

    private long relativeFiles() {
        return verification.files().stream().filter(StateFile::relative).count();
    }
}
