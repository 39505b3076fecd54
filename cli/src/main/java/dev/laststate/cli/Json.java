package dev.laststate.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.laststate.flink.Generation;
import dev.laststate.flink.LastState;
import dev.laststate.flink.PointerRecord;
import dev.laststate.flink.PromotionResult;
import dev.laststate.flink.Snapshot;
import java.io.PrintWriter;
import java.util.OptionalLong;

/** The JSON shapes of {@code --output json}: one compact object per run, on one line. */
final class Json {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {}

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    static void print(PrintWriter out, JsonNode node) {
        try {
            out.println(MAPPER.writeValueAsString(node));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
        out.flush();
    }

    static ObjectNode result(PromotionResult result) {
        Snapshot snapshot = result.snapshot();
        ObjectNode node = object();
        node.put("status", result.status().name());
        node.put("jobId", snapshot.jobId());
        putId(node, "checkpointId", snapshot.checkpointId());
        node.put("kind", snapshot.kind().name());
        node.put("source", snapshot.directory().toString());
        node.put("target", result.target().toString());
        node.put("filesCopied", result.filesCopied());
        node.put("bytesCopied", result.bytesCopied());
        node.put("copyPath", result.copyPath().name());
        node.put("conditionalCommit", result.conditionalCommit());
        node.put("durationMs", result.duration().toMillis());
        result.reason().ifPresent(reason -> node.put("reason", reason));
        ArrayNode warnings = node.putArray("warnings");
        result.warnings().forEach(warnings::add);
        return node;
    }

    static ObjectNode snapshot(Snapshot snapshot) {
        ObjectNode node = object();
        node.put("kind", snapshot.kind().name());
        putId(node, "checkpointId", snapshot.checkpointId());
        node.put("completedAt", snapshot.completedAt().toString());
        node.put("directory", snapshot.directory().toString());
        return node;
    }

    static ObjectNode lastState(LastState state) {
        PointerRecord record = state.record();
        Generation current = record.current();
        ObjectNode node = object();
        node.put("target", state.target().toString());
        node.put("jobId", current.jobId());
        putId(node, "checkpointId", current.checkpointId());
        node.put("kind", current.kind().name());
        node.put("source", current.source().toString());
        node.put("completedAt", current.completedAt().toString());
        node.put("mode", record.mode().name());
        node.put("promotedAt", record.promotedAt().toString());
        node.put("restorePath", state.restorePath().toString());
        node.put("consistent", state.consistent());
        node.put("files", current.files().size());
        if (record.previous().isPresent()) {
            node.put("previousFiles", record.previous().get().files().size());
        } else {
            node.putNull("previousFiles");
        }
        return node;
    }

    static void putId(ObjectNode node, String field, OptionalLong id) {
        if (id.isPresent()) {
            node.put(field, id.getAsLong());
        } else {
            node.putNull(field);
        }
    }
}
