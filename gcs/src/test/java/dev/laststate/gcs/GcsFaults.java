package dev.laststate.gcs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.laststate.tck.faults.Fault;
import dev.laststate.tck.faults.FaultProxy;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * The faults of a {@link FaultProxy} that speak GCS's JSON API: its error body, a JSON answer in the server's place,
 * and answers missing a field or cut mid-JSON.
 */
final class GcsFaults {

    private static final ObjectMapper JSON = new ObjectMapper();

    private GcsFaults() {}

    /** Answers {@code status} with GCS's JSON error body, without forwarding the request. */
    static Fault status(int status) {
        String error = "{\"error\":{\"code\":" + status + ",\"message\":\"Injected\",\"errors\":[{\"message\":"
                + "\"Injected\",\"domain\":\"global\",\"reason\":\"backendError\"}]}}";
        return Fault.answer(status, "application/json; charset=UTF-8", error, List.of(), "answer " + status);
    }

    /** Answers 200 with {@code json}, without forwarding the request. */
    static Fault answer(String json, String description) {
        return Fault.answer(200, "application/json; charset=UTF-8", json, List.of(), description);
    }

    /** Forwards the exchange and removes these fields from the answer's JSON, at every depth (items, resources). */
    static Fault dropFields(String... fields) {
        return Fault.spoilBody(body -> withoutFields(body, List.of(fields)), "drop field " + String.join(" and ", fields));
    }

    /** Forwards the exchange and answers the first half of its JSON, framed as a whole body. */
    static Fault truncateJson() {
        return Fault.spoilBody(body -> Arrays.copyOf(body, body.length / 2), "truncated JSON");
    }

    /** The body without the fields anywhere in it; a body that is not a JSON object (media, nothing) passes unchanged. */
    private static byte[] withoutFields(byte[] body, List<String> fields) {
        try {
            JsonNode tree = JSON.readTree(body);
            if (tree == null || !tree.isContainerNode()) {
                return body;
            }
            fields.forEach(field -> remove(tree, field));
            return JSON.writeValueAsBytes(tree);
        } catch (IOException e) {
            return body;
        }
    }

    private static void remove(JsonNode node, String field) {
        if (node instanceof ObjectNode object) {
            object.remove(field);
        }
        node.forEach(child -> remove(child, field));
    }
}
