package dev.laststate.flink;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.laststate.store.StoreUri;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Objects;

/**
 * The marker {@code <target>/_laststate-init.json} ({@link FlinkLayout#INIT_MARKER}) that {@code laststate init}
 * creates: laststate manages this target for the job whose checkpoint directory is {@code checkpoints}, and
 * nothing was promoted there yet. Its presence is what counts; its fields tell an operator who declared it and
 * when. It is created only if absent and never replaced or deleted by laststate, and a snapshot that holds a file
 * of this name is never promoted (it would overwrite the marker and later delete it as an old generation's file).
 *
 * <pre>{"formatVersion" : 1, "initializedAt" : "2025-03-01T10:00:00Z", "checkpoints" : "s3://b/flink/checkpoints"}</pre>
 *
 * @param initializedAt when {@code init} created it
 * @param checkpoints the checkpoint directory it was created for
 */
public record InitMarker(Instant initializedAt, StoreUri checkpoints) {

    /** The format this laststate writes. */
    public static final int FORMAT_VERSION = 1;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public InitMarker {
        Objects.requireNonNull(initializedAt, "initializedAt");
        Objects.requireNonNull(checkpoints, "checkpoints");
    }

    public byte[] toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("formatVersion", FORMAT_VERSION);
        root.put("initializedAt", initializedAt.toString());
        root.put("checkpoints", checkpoints.toString());
        try {
            return JSON.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise an init marker", e);
        }
    }

    /**
     * Reads a marker.
     *
     * @throws IllegalArgumentException when {@code bytes} are not a marker of this format
     */
    public static InitMarker parse(byte[] bytes) {
        try {
            JsonNode root = JSON.readTree(new String(bytes, StandardCharsets.UTF_8));
            if (root == null || !root.isObject() || root.path("formatVersion").asInt(-1) != FORMAT_VERSION
                    || !root.path("initializedAt").isTextual() || !root.path("checkpoints").isTextual()) {
                throw new IllegalArgumentException("not an init marker of format " + FORMAT_VERSION);
            }
            return new InitMarker(Instant.parse(root.get("initializedAt").asText()),
                    StoreUri.parse(root.get("checkpoints").asText()));
        } catch (JsonProcessingException | DateTimeParseException e) {
            throw new IllegalArgumentException("not an init marker: " + e.getMessage(), e);
        }
    }
}
