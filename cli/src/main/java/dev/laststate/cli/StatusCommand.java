package dev.laststate.cli;

import dev.laststate.flink.FlinkLayout;
import dev.laststate.flink.Generation;
import dev.laststate.flink.LastState;
import dev.laststate.flink.PointerRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "status", sortOptions = false,
        description = "Show what the target holds: the promoted snapshot, how and when, the restore path, and "
                + "whether the pointer record matches the target's _metadata.")
final class StatusCommand extends StoreCommand {

    @Mixin
    private TargetOption target;

    @Mixin
    private OutputOptions output;

    @Override
    public Integer call() throws Exception {
        LastState state = target.read(store);
        output.print(Json.lastState(state), text(state));
        if (!state.consistent()) {
            // Scripts see it in the exit code too: restoring now may read a generation the record does not name.
            err().println("laststate: inconsistent: " + state.target().resolve(FlinkLayout.POINTER_RECORD)
                    + " does not describe its " + FlinkLayout.METADATA + " (a promotion is running or was interrupted;"
                    + " the next promote finishes it)");
            err().flush();
            return ExitCodes.REFUSED;
        }
        return ExitCodes.OK;
    }

    /** One {@code label: value} row a fact, the values aligned. */
    private static String text(LastState state) {
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
        return String.join(System.lineSeparator(), rows);
    }

    private static String row(String label, Object value) {
        return String.format(Locale.ROOT, "%-14s %s", label + ":", value);
    }

    private static String lower(String name) {
        return name.toLowerCase(Locale.ROOT);
    }
}
