package dev.laststate.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.laststate.flink.PromotionResult;
import dev.laststate.flink.PromotionStatus;
import dev.laststate.flink.Snapshot;
import dev.laststate.verify.Verification;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code promote} and {@code savepoint}: a promotion's result, and with {@code --verify} the verification of what
 * the target serves afterwards.
 */
record PromotionReport(PromotionResult result, Optional<Verification> verification) implements Report {

    /**
     * {@code PROMOTED checkpoint 12 of job <id> (<dir>) -> <target>: 3 files, 1234 bytes in 15 ms}, and with
     * {@code --verify} the lines of the verification below it.
     */
    @Override
    public List<String> text() {
        String head = result.status() + " " + result.snapshot().describe() + " -> " + result.target() + ": ";
        // The head names the snapshot and the target once; a refusal's reason is stderr's one line.
        String line = switch (result.status()) {
            case PROMOTED -> head + result.filesCopied() + " files, " + result.bytesCopied() + " bytes in "
                    + result.duration().toMillis() + " ms" + result.reason().map(r -> "; " + r).orElse("");
            case UNCHANGED -> head + "the target holds it already";
            case DRY_RUN -> head + "would promote it; nothing written";
            case REFUSED -> head + "refused (the reason is on stderr)";
        };
        List<String> lines = new ArrayList<>(List.of(line));
        verified().ifPresent(v -> lines.addAll(v.text()));
        return lines;
    }

    /** The result's fields, and with {@code --verify} its {@code verification}. */
    @Override
    public ObjectNode json() {
        Snapshot snapshot = result.snapshot();
        ObjectNode node = Json.object();
        node.put("status", result.status().name());
        Json.putSnapshot(node, snapshot.jobId(), snapshot.checkpointId(), snapshot.kind(), snapshot.directory());
        node.put("target", result.target().toString());
        node.put("filesCopied", result.filesCopied());
        node.put("bytesCopied", result.bytesCopied());
        node.put("copyPath", result.copyPath().name());
        node.put("conditionalCommit", result.conditionalCommit());
        node.put("durationMs", result.duration().toMillis());
        result.reason().ifPresent(reason -> node.put("reason", reason));
        Json.putArray(node, "warnings", result.warnings(), TextNode::valueOf);
        verified().ifPresent(v -> node.set("verification", v.json()));
        return node;
    }

    /**
     * Each warning (what failed after the commit without undoing it), a refusal's reason, and with {@code --verify}
     * the files the verification misses.
     */
    @Override
    public List<String> stderr() {
        List<String> lines = new ArrayList<>();
        for (String warning : result.warnings()) {
            lines.add("warning: " + warning);
        }
        if (result.status() == PromotionStatus.REFUSED) {
            lines.add("refused: " + result.reason().orElse("a guard refused the promotion"));
        }
        verified().ifPresent(v -> lines.addAll(v.stderr()));
        return lines;
    }

    @Override
    public int exitCode() {
        return ExitCodes.of(result, verification);
    }

    private Optional<VerificationReport> verified() {
        return verification.map(VerificationReport::new);
    }
}
