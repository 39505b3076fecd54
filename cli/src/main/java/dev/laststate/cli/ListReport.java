package dev.laststate.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.laststate.flink.Snapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** {@code list}: each job with the snapshot promote would choose and all its snapshots, newest first. */
record ListReport(List<JobSnapshots> jobs) implements Report {

    ListReport {
        jobs = List.copyOf(jobs);
    }

    /**
     * One line a snapshot, {@code * <job id>  checkpoint  12  <completed at>  <directory>}, '*' marking the one
     * promote would choose; a job without one says so.
     */
    @Override
    public List<String> text() {
        List<String> lines = new ArrayList<>();
        for (JobSnapshots job : jobs) {
            if (job.snapshots().isEmpty()) {
                lines.add("  " + job.jobId() + "  (no complete snapshot)");
            }
            for (Snapshot snapshot : job.snapshots()) {
                String id = snapshot.checkpointId().isPresent() ? Long.toString(snapshot.checkpointId().getAsLong()) : "-";
                lines.add(String.format(Locale.ROOT, "%s %s  %-10s  %6s  %s  %s", job.isNewest(snapshot) ? "*" : " ",
                        snapshot.jobId(), snapshot.kind().name().toLowerCase(Locale.ROOT), id, snapshot.completedAt(),
                        snapshot.directory()));
            }
        }
        return lines;
    }

    @Override
    public ObjectNode json() {
        ObjectNode node = Json.object();
        Json.putArray(node, "jobs", jobs, job -> {
            ObjectNode jobNode = Json.object();
            jobNode.put("jobId", job.jobId());
            jobNode.set("newest", Json.orNull(job.newest().map(ListReport::snapshot)));
            Json.putArray(jobNode, "snapshots", job.snapshots(), ListReport::snapshot);
            return jobNode;
        });
        return node;
    }

    /** Found is done: a store without any snapshot fails before there is a report. */
    @Override
    public int exitCode() {
        return ExitCodes.OK;
    }

    private static ObjectNode snapshot(Snapshot snapshot) {
        ObjectNode node = Json.object();
        node.put("kind", snapshot.kind().name());
        node.set("checkpointId", Json.id(snapshot.checkpointId()));
        node.put("completedAt", snapshot.completedAt().toString());
        node.put("directory", snapshot.directory().toString());
        return node;
    }
}
