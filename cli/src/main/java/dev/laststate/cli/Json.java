package dev.laststate.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.laststate.cli.ListCommand.JobSnapshots;
import dev.laststate.flink.Generation;
import dev.laststate.flink.LastState;
import dev.laststate.flink.PointerRecord;
import dev.laststate.flink.PromotionResult;
import dev.laststate.flink.Snapshot;
import dev.laststate.flink.SnapshotKind;
import dev.laststate.store.StoreUri;
import dev.laststate.verify.StateFile;
import dev.laststate.verify.Verification;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;

/** The JSON shapes of {@code --output json}: one compact object per run, on one line. */
final class Json {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {}

    static void print(PrintWriter out, JsonNode node) {
        try {
            out.println(MAPPER.writeValueAsString(node));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
        out.flush();
    }

    /** {@code promote} and {@code savepoint}: the result, and with {@code --verify} its {@code verification}. */
    static ObjectNode result(PromotionResult result, Optional<Verification> verification) {
        Snapshot snapshot = result.snapshot();
        ObjectNode node = MAPPER.createObjectNode();
        node.put("status", result.status().name());
        putSnapshot(node, snapshot.jobId(), snapshot.checkpointId(), snapshot.kind(), snapshot.directory());
        node.put("target", result.target().toString());
        node.put("filesCopied", result.filesCopied());
        node.put("bytesCopied", result.bytesCopied());
        node.put("copyPath", result.copyPath().name());
        node.put("conditionalCommit", result.conditionalCommit());
        node.put("durationMs", result.duration().toMillis());
        result.reason().ifPresent(reason -> node.put("reason", reason));
        putArray(node, "warnings", result.warnings(), TextNode::valueOf);
        verification.ifPresent(v -> node.set("verification", verification(v)));
        return node;
    }

    /**
     * A failure: {@code error}, the kind of failure (the name of its exit code: {@code USAGE},
     * {@code NOTHING_TO_PROMOTE}, {@code STORE_FAILURE}, ...), {@code message}, the line stderr has, and
     * {@code exitCode}, the process's.
     */
    static ObjectNode error(int exitCode, String message) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("error", errorKind(exitCode));
        node.put("message", message);
        node.put("exitCode", exitCode);
        return node;
    }

    private static String errorKind(int exitCode) {
        return switch (exitCode) {
            case ExitCodes.USAGE -> "USAGE";
            case ExitCodes.NOTHING_TO_PROMOTE -> "NOTHING_TO_PROMOTE";
            case ExitCodes.STORE_FAILURE -> "STORE_FAILURE";
            case ExitCodes.REFUSED -> "REFUSED";
            case ExitCodes.VERIFICATION_FAILED -> "VERIFICATION_FAILED";
            case ExitCodes.UNPROMOTABLE_SNAPSHOT -> "UNPROMOTABLE_SNAPSHOT";
            case ExitCodes.UNKNOWN_TARGET -> "UNKNOWN_TARGET";
            default -> "INTERNAL_ERROR";
        };
    }

    /** {@code verify}. */
    static ObjectNode verification(Verification verification) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("restorable", verification.restorable());
        node.put("directory", verification.directory().toString());
        node.put("checkpointId", verification.checkpointId());
        node.put("files", verification.files().size());
        node.put("relativeFiles", verification.files().stream().filter(StateFile::relative).count());
        node.put("inlineHandles", verification.inlineHandles());
        putArray(node, "missing", verification.missing(), file -> TextNode.valueOf(file.uri().toString()));
        return node;
    }

    /** {@code list}: each job with the snapshot promote would choose and all its snapshots, newest first. */
    static ObjectNode jobs(List<JobSnapshots> jobs) {
        ObjectNode node = MAPPER.createObjectNode();
        putArray(node, "jobs", jobs, job -> {
            ObjectNode jobNode = MAPPER.createObjectNode();
            jobNode.put("jobId", job.jobId());
            jobNode.set("newest", orNull(job.newest().map(Json::snapshot)));
            putArray(jobNode, "snapshots", job.snapshots(), Json::snapshot);
            return jobNode;
        });
        return node;
    }

    /** {@code status}: what the target holds. */
    static ObjectNode lastState(LastState state) {
        PointerRecord record = state.record();
        Generation current = record.current();
        ObjectNode node = MAPPER.createObjectNode();
        node.put("target", state.target().toString());
        putSnapshot(node, current.jobId(), current.checkpointId(), current.kind(), current.source());
        node.put("completedAt", current.completedAt().toString());
        node.put("mode", record.mode().name());
        node.put("promotedAt", record.promotedAt().toString());
        node.put("restorePath", state.restorePath().toString());
        node.put("consistent", state.consistent());
        node.put("files", current.files().size());
        node.set("previousFiles", orNull(record.previous().map(previous -> IntNode.valueOf(previous.files().size()))));
        return node;
    }

    private static ObjectNode snapshot(Snapshot snapshot) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("kind", snapshot.kind().name());
        node.set("checkpointId", id(snapshot.checkpointId()));
        node.put("completedAt", snapshot.completedAt().toString());
        node.put("directory", snapshot.directory().toString());
        return node;
    }

    /** Which snapshot a result or a target is about, in the same four fields. */
    private static void putSnapshot(ObjectNode node, String jobId, OptionalLong checkpointId, SnapshotKind kind,
                                    StoreUri source) {
        node.put("jobId", jobId);
        node.set("checkpointId", id(checkpointId));
        node.put("kind", kind.name());
        node.put("source", source.toString());
    }

    private static <T> void putArray(ObjectNode node, String field, List<T> items, Function<? super T, JsonNode> element) {
        ArrayNode array = node.putArray(field);
        items.forEach(item -> array.add(element.apply(item)));
    }

    /** A checkpoint id, or null for a snapshot whose id is not known. */
    private static JsonNode id(OptionalLong id) {
        return id.isPresent() ? LongNode.valueOf(id.getAsLong()) : NullNode.getInstance();
    }

    private static JsonNode orNull(Optional<? extends JsonNode> value) {
        return value.isPresent() ? value.get() : NullNode.getInstance();
    }
}
