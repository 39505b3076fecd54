package dev.laststate.cli;

import dev.laststate.flink.FlinkLayout;
import dev.laststate.flink.Generation;
import dev.laststate.flink.LastState;
import dev.laststate.flink.PointerRecord;
import dev.laststate.store.StoreUri;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "status", sortOptions = false,
        description = "Show what the target holds: the promoted snapshot, how and when, the restore path, and "
                + "whether the pointer record matches the target's _metadata.")
final class StatusCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private StoreOptions store;

    @Mixin
    private TargetOption target;

    @Mixin
    private OutputOptions output;

    @Override
    public Integer call() throws Exception {
        StoreUri checkpoints = store.checkpoints();
        LastState state = TargetOption.read(store, checkpoints, target.resolve(store, checkpoints));
        PrintWriter out = spec.commandLine().getOut();
        if (output.json()) {
            Json.print(out, Json.lastState(state));
        } else {
            print(out, state);
        }
        return ExitCodes.OK;
    }

    private static void print(PrintWriter out, LastState state) {
        PointerRecord record = state.record();
        Generation current = record.current();
        row(out, "target", state.target());
        row(out, "job id", current.jobId());
        row(out, "checkpoint id", current.checkpointId().isPresent() ? current.checkpointId().getAsLong() : "-");
        row(out, "kind", lower(current.kind().name()));
        row(out, "source", current.source());
        row(out, "completed at", current.completedAt());
        row(out, "mode", lower(record.mode().name()));
        row(out, "promoted at", record.promotedAt());
        row(out, "restore path", state.restorePath());
        row(out, "consistent", state.consistent() ? "yes"
                : "no (the record does not describe " + FlinkLayout.METADATA + "; a promotion is running or was interrupted)");
        row(out, "files", current.files().size() + " (previous generation: "
                + record.previous().map(p -> Integer.toString(p.files().size())).orElse("none") + ")");
        out.flush();
    }

    private static void row(PrintWriter out, String label, Object value) {
        out.printf(Locale.ROOT, "%-14s %s%n", label + ":", value);
    }

    private static String lower(String name) {
        return name.toLowerCase(Locale.ROOT);
    }
}
