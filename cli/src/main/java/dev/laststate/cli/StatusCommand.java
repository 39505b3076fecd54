package dev.laststate.cli;

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
        return output.print(new StatusReport(target.read(store)));
    }
}
