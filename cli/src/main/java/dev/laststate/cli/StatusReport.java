package dev.laststate.cli;

import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.laststate.flink.FlinkLayout;
import dev.laststate.flink.Generation;
import dev.laststate.flink.LastState;
import dev.laststate.flink.PointerRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** {@code status}: what the target holds, and whether its pointer record describes it. */
record StatusReport(LastState state) implements Report {

    /** One {@code label: value} row a fact, the values aligned. */
    @Override
    public List<String> text() {
        PointerRecord record = state.record();
        Generation current = record.current();
        List<String> rows = new ArrayList<>();
        rows.add(row("target", state.target()));
        rows.add(row("job id", current.jobId()));
        rows.add(row("checkpoint id", current.checkpointId().isPresent() ? current.checkpointId().getAsLong() : "-"));
        rows.add(row("kind", lower(current.kind().name())));
        rows.add(row("source", current.source()));
        rows.add(row("completed at", current.completedAt()));
        rows.add(row("mode", lower(record.mode().name())));
        rows.add(row("promoted at", record.promotedAt()));
        rows.add(row("restore path", state.restorePath()));
        rows.add(row("consistent", state.consistent() ? "yes"
                : "no (the record does not describe " + FlinkLayout.METADATA + "; a promotion is running or was interrupted)"));
        rows.add(row("files", current.files().size() + " (previous generation: "
                + record.previous().map(p -> Integer.toString(p.files().size())).orElse("none") + ")"));
        return rows;
    }

    @Override
    public ObjectNode json() {
        PointerRecord record = state.record();
        Generation current = record.current();
        ObjectNode node = Json.object();
        node.put("target", state.target().toString());
        Json.putSnapshot(node, current.jobId(), current.checkpointId(), current.kind(), current.source());
        node.put("completedAt", current.completedAt().toString());
        node.put("mode", record.mode().name());
        node.put("promotedAt", record.promotedAt().toString());
        node.put("restorePath", state.restorePath().toString());
        node.put("consistent", state.consistent());
        node.put("files", current.files().size());
        node.set("previousFiles", Json.orNull(record.previous().map(previous -> IntNode.valueOf(previous.files().size()))));
        return node;
    }

    /** An inconsistent target: scripts see it here and in the exit code, since restoring now may read a generation the record does not name. */
    @Override
    public List<String> stderr() {
        if (state.consistent()) {
            return List.of();
        }
        return List.of("inconsistent: " + state.target().resolve(FlinkLayout.POINTER_RECORD) + " does not describe its "
                + FlinkLayout.METADATA + " (a promotion is running or was interrupted; the next promote finishes it)");
    }

    @Override
    public int exitCode() {
        return ExitCodes.of(state);
    }

    private static String row(String label, Object value) {
        return String.format(Locale.ROOT, "%-14s %s", label + ":", value);
    }

    private static String lower(String name) {
        return name.toLowerCase(Locale.ROOT);
    }
}
