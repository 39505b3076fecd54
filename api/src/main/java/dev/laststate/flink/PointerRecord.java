package dev.laststate.flink;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.laststate.store.InvalidStoreUriException;
import dev.laststate.store.ObjectInfo;
import dev.laststate.store.StoreUri;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The record {@code <target>/_laststate.json}: which snapshot the target holds (or, in pointer mode,
 * names), the generation before it, and the version of the target's {@code _metadata} that this record
 * describes. A record whose {@code metadataVersion} differs from the target's {@code _metadata} is stale:
 * a promoter committed {@code _metadata} and has not yet (or never) written its record.
 *
 * <p>The same form, written before the first copy into {@code <target>/_laststate-pending/} with no
 * {@code metadataVersion} but the {@code metadataDigest} of the {@code _metadata} it is about to commit, is a
 * run's pending record: if the run commits and dies before writing {@code _laststate.json}, the next run
 * recognises the served {@code _metadata} by its digest and takes the pending record as the record, so no
 * committed generation is ever forgotten; if it dies before committing, its copies are known by name.
 *
 * @param mode how the current generation was promoted
 * @param promotedAt when
 * @param current the promoted snapshot
 * @param previous the generation before it, whose files stay for restores that already read its
 *     {@code _metadata}
 * @param metadataVersion the version of {@code <target>/_metadata} this record goes with (empty: none, or a
 *     pending record)
 * @param metadataDigest the size and SHA-256 of the {@code _metadata} bytes this generation commits
 *     ({@code <size>:<hex>}; empty in pointer mode and in records of older releases)
 * @param garbage names in the target that no retained generation needs, deleted after this record was
 *     written; kept here so a run that dies while deleting them is finished by the next run
 */
public record PointerRecord(PromotionMode mode, Instant promotedAt, Generation current, Optional<Generation> previous,
                            Optional<String> metadataVersion, Optional<String> metadataDigest, List<String> garbage) {

    /** The format this laststate writes and reads; a record of another format is refused. */
    public static final int FORMAT_VERSION = 1;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public PointerRecord {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(promotedAt, "promotedAt");
        Objects.requireNonNull(current, "current");
        Objects.requireNonNull(previous, "previous");
        Objects.requireNonNull(metadataVersion, "metadataVersion");
        Objects.requireNonNull(metadataDigest, "metadataDigest");
        garbage = List.copyOf(garbage);
    }

    /** A record without a digest and with nothing left to delete. */
    public PointerRecord(PromotionMode mode, Instant promotedAt, Generation current, Optional<Generation> previous,
                         Optional<String> metadataVersion) {
        this(mode, promotedAt, current, previous, metadataVersion, Optional.empty(), List.of());
    }

    /** This record as the one describing the committed {@code _metadata} of version {@code version}. */
    public PointerRecord committedAs(String version) {
        return new PointerRecord(mode, promotedAt, current, previous, Optional.of(version), metadataDigest, garbage);
    }

    /** The digest {@link #metadataDigest} holds for these {@code _metadata} bytes. */
    public static String digestOf(byte[] metadata) {
        try {
            return metadata.length + ":" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(metadata));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** The size a digest names, or -1 when it names none. */
    static long digestSize(String digest) {
        int colon = digest.indexOf(':');
        try {
            return colon > 0 ? Long.parseLong(digest.substring(0, colon)) : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * Whether {@code name} may be recorded as a file of a generation: a relative name of non-empty segments,
     * none {@code .} or {@code ..}, without control characters, so it reads back as written.
     */
    public static boolean isRecordableName(String name) {
        for (int i = 0; i < name.length(); i++) {
            if (Character.isISOControl(name.charAt(i))) {
                return false;
            }
        }
        return isRelativeName(name);
    }

    /**
     * Whether this record goes with the target's {@code _metadata} as it is ({@code metadata} empty: none).
     * It does not while a promoter is between committing {@code _metadata} and writing its record.
     */
    public boolean describes(Optional<ObjectInfo> metadata) {
        return metadataVersion.equals(metadata.map(ObjectInfo::version));
    }

    /** The location a deployment passes to {@code --fromSavepoint}. */
    public StoreUri restorePath(StoreUri target) {
        return mode == PromotionMode.COPY ? target : current.source();
    }

    public byte[] toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("formatVersion", FORMAT_VERSION);
        writeGeneration(root, current);
        root.put("mode", mode.name());
        root.put("promotedAt", promotedAt.toString());
        metadataVersion.ifPresent(v -> root.put("metadataVersion", v));
        metadataDigest.ifPresent(d -> root.put("metadataDigest", d));
        previous.ifPresent(p -> writeGeneration(root.putObject("previous"), p));
        if (!garbage.isEmpty()) {
            ArrayNode names = root.putArray("garbage");
            garbage.forEach(names::add);
        }
        try {
            return JSON.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a pointer record", e);
        }
    }

    /**
     * Reads a record.
     *
     * @throws CorruptPointerRecordException when the bytes are not a record of {@link #FORMAT_VERSION}
     */
    public static PointerRecord parse(StoreUri uri, byte[] bytes) throws CorruptPointerRecordException {
        JsonNode root;
        try {
            root = JSON.readTree(new String(bytes, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new CorruptPointerRecordException(uri, "not valid JSON (" + e.getOriginalMessage() + ")", e);
        }
        if (root == null || !root.isObject()) {
            throw new CorruptPointerRecordException(uri, "not a JSON object", null);
        }
        JsonNode format = root.get("formatVersion");
        if (format == null || !format.isInt()) {
            throw new CorruptPointerRecordException(uri, "no formatVersion", null);
        }
        if (format.intValue() != FORMAT_VERSION) {
            throw new CorruptPointerRecordException(uri, "format version " + format.intValue()
                    + " is not the supported version " + FORMAT_VERSION + " (written by another laststate release?)", null);
        }
        try {
            PromotionMode mode = PromotionMode.valueOf(text(root, "mode"));
            Instant promotedAt = Instant.parse(text(root, "promotedAt"));
            Generation current = readGeneration(root);
            Optional<Generation> previous = root.hasNonNull("previous")
                    ? Optional.of(readGeneration(root.get("previous")))
                    : Optional.empty();
            Optional<String> metadataVersion = root.hasNonNull("metadataVersion")
                    ? Optional.of(text(root, "metadataVersion"))
                    : Optional.empty();
            Optional<String> metadataDigest = root.hasNonNull("metadataDigest")
                    ? Optional.of(text(root, "metadataDigest"))
                    : Optional.empty();
            return new PointerRecord(mode, promotedAt, current, previous, metadataVersion, metadataDigest,
                    names(root.get("garbage"), "garbage", true));
        } catch (IllegalArgumentException | DateTimeParseException | NullPointerException e) {
            throw new CorruptPointerRecordException(uri, e.getMessage(), e);
        }
    }

    private static void writeGeneration(ObjectNode node, Generation generation) {
        node.put("jobId", generation.jobId());
        if (generation.checkpointId().isPresent()) {
            node.put("checkpointId", generation.checkpointId().getAsLong());
        } else {
            node.putNull("checkpointId");
        }
        node.put("kind", generation.kind().name());
        node.put("source", generation.source().toString());
        node.put("completedAt", generation.completedAt().toString());
        ArrayNode files = node.putArray("files");
        generation.files().forEach(files::add);
        if (generation.isRelocated()) {
            ArrayNode relocated = node.putArray("relocated");
            for (StateCopy copy : generation.relocated()) {
                ObjectNode entry = relocated.addObject();
                entry.put("name", copy.name());
                entry.put("source", copy.source().toString());
                entry.put("offset", copy.offset());
                entry.put("length", copy.length());
                entry.put("whole", copy.whole());
            }
        }
    }

    private static List<StateCopy> readRelocated(JsonNode list) {
        if (list == null) {
            return List.of();
        }
        if (!list.isArray()) {
            throw new IllegalArgumentException("relocated is not a list");
        }
        List<StateCopy> copies = new ArrayList<>();
        for (JsonNode entry : list) {
            JsonNode offset = entry.get("offset");
            JsonNode length = entry.get("length");
            JsonNode whole = entry.get("whole");
            if (offset == null || !offset.isIntegralNumber() || length == null || !length.isIntegralNumber()
                    || whole == null || !whole.isBoolean()) {
                throw new IllegalArgumentException("relocated holds an entry without offset, length and whole: " + entry);
            }
            StoreUri source;
            try {
                source = StoreUri.parse(text(entry, "source"));
            } catch (InvalidStoreUriException e) {
                throw new IllegalArgumentException("relocated source: " + e.getMessage(), e);
            }
            copies.add(new StateCopy(text(entry, "name"), source, offset.longValue(), length.longValue(), whole.booleanValue()));
        }
        return copies;
    }

    private static Generation readGeneration(JsonNode node) {
        String jobId = FlinkLayout.requireJobId(text(node, "jobId"));
        JsonNode id = node.get("checkpointId");
        OptionalLong checkpointId;
        if (id == null || id.isNull()) {
            checkpointId = OptionalLong.empty();
        } else if (id.canConvertToLong() && id.isIntegralNumber() && id.longValue() >= 0) {
            checkpointId = OptionalLong.of(id.longValue());
        } else {
            throw new IllegalArgumentException("checkpointId is not a non-negative whole number");
        }
        SnapshotKind kind = SnapshotKind.valueOf(text(node, "kind"));
        StoreUri source;
        try {
            source = StoreUri.parse(text(node, "source"));
        } catch (InvalidStoreUriException e) {
            throw new IllegalArgumentException("source: " + e.getMessage(), e);
        }
        Instant completedAt = Instant.parse(text(node, "completedAt"));
        return new Generation(jobId, checkpointId, kind, source, completedAt, names(node.get("files"), "files", false),
                readRelocated(node.get("relocated")));
    }

    private static List<String> names(JsonNode list, String field, boolean optional) {
        if (list == null && optional) {
            return List.of();
        }
        if (list == null || !list.isArray()) {
            throw new IllegalArgumentException(field + " is not a list");
        }
        List<String> names = new ArrayList<>();
        for (JsonNode name : list) {
            if (!name.isTextual() || !isRecordableName(name.textValue())) {
                throw new IllegalArgumentException(field + " holds something that is not a relative name: " + name);
            }
            names.add(name.textValue());
        }
        return names;
    }

    private static boolean isRelativeName(String name) {
        for (String segment : name.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                return false;
            }
        }
        return true;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new IllegalArgumentException("missing or non-text field '" + field + "'");
        }
        return value.textValue();
    }
}
