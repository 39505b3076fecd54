package dev.laststate.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.laststate.flink.SnapshotKind;
import dev.laststate.store.StoreUri;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * How {@code --output json} is written: one compact object per run, on one line. Each result's shape is in its
 * {@link Report}; here are the failure's shape and the pieces several reports share.
 */
final class Json {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {}

    /** A new, empty object. */
    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** {@code node} on one line. */
    static void print(PrintWriter out, JsonNode node) {
        try {
            out.println(MAPPER.writeValueAsString(node));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
        out.flush();
    }

    /**
     * A failure: {@code error}, the kind of failure (the name of its exit code: {@code USAGE},
     * {@code NOTHING_TO_PROMOTE}, {@code STORE_FAILURE}, ...), {@code message}, the line stderr has, and
     * {@code exitCode}, the process's.
     */
    static ObjectNode error(int exitCode, String message) {
        return error(exitCode, exitCode, message);
    }

    /** A failure whose process exits {@code exitCode} although it is of the kind of {@code code} ({@code --allow-nothing}). */
    static ObjectNode error(int code, int exitCode, String message) {
        ObjectNode node = object();
        node.put("error", errorKind(code));
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

    /** Which snapshot a result or a target is about, in the same four fields. */
    static void putSnapshot(ObjectNode node, String jobId, OptionalLong checkpointId, SnapshotKind kind, StoreUri source) {
        node.put("jobId", jobId);
        node.set("checkpointId", id(checkpointId));
        node.put("kind", kind.name());
        node.put("source", source.toString());
    }

    /** {@code field}: an array of {@code items}, each as {@code element} writes it. */
    static <T> void putArray(ObjectNode node, String field, List<T> items, Function<? super T, JsonNode> element) {
        ArrayNode array = node.putArray(field);
        items.forEach(item -> array.add(element.apply(item)));
    }

    /** A checkpoint id, or null for a snapshot whose id is not known. */
    static JsonNode id(OptionalLong id) {
        return id.isPresent() ? LongNode.valueOf(id.getAsLong()) : NullNode.getInstance();
    }

    /** The value, or null. */
    static JsonNode orNull(Optional<? extends JsonNode> value) {
        return value.isPresent() ? value.get() : NullNode.getInstance();
    }
}
