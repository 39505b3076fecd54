package dev.laststate.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.laststate.flink.ManagedTargets;
import java.util.List;

/** {@code init}: what the target is now, and whether this run wrote its marker. */
record InitReport(ManagedTargets.Init init) implements Report {

    /** {@code INITIALIZED <target> (<marker>)...}: one line. */
    @Override
    public List<String> text() {
        return List.of(switch (init.outcome()) {
            case CREATED -> "INITIALIZED " + init.target() + " for a new job (" + init.marker()
                    + "); until a snapshot is promoted, promote and resolve exit 3: start the job without a restore path";
            case ALREADY_INITIALIZED -> "ALREADY_INITIALIZED " + init.target() + " (" + init.marker() + " exists); nothing written";
            case ALREADY_PROMOTED -> "ALREADY_PROMOTED " + init.target() + " holds a pointer record: laststate manages it "
                    + "already; nothing written";
        });
    }

    @Override
    public ObjectNode json() {
        ObjectNode node = Json.object();
        node.put("status", init.outcome() == ManagedTargets.InitOutcome.CREATED ? "INITIALIZED" : init.outcome().name());
        node.put("target", init.target().toString());
        node.put("marker", init.marker().toString());
        return node;
    }

    /** Each outcome is done: the target is one laststate manages. */
    @Override
    public int exitCode() {
        return ExitCodes.OK;
    }
}
