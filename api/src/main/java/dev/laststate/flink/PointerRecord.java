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
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

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

    /**
     * The format this laststate writes: 2 since relocated generations, whose files an older laststate would not
     * know are needed (it refuses the record rather than misread it). Formats 1 and 2 are read; any other is refused.
     */
    public static final int FORMAT_VERSION = 2;
    /** The oldest format this laststate reads: records of releases before relocation. */
    public static final int OLDEST_FORMAT_VERSION = 1;

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
        if (format.intValue() < OLDEST_FORMAT_VERSION || format.intValue() > FORMAT_VERSION) {
            throw new CorruptPointerRecordException(uri, "format version " + format.intValue() + " is not a supported version ("
                    + OLDEST_FORMAT_VERSION + " to " + FORMAT_VERSION + "; written by another laststate release?)", null);
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
        // A relocated file's name follows from its source (RelocatedNames), so it is written once, as its source: grouped
        // by directory, [name, length] for a whole file, [name, offset, length] for a segment. "files" then holds only
        // the other names (_metadata): the record stays small (about 50 bytes a file) for states of many files.
        Set<String> relocatedNames = new HashSet<>();
        generation.relocated().forEach(c -> relocatedNames.add(c.name()));
        ArrayNode files = node.putArray("files");
        generation.files().stream().filter(name -> !relocatedNames.contains(name)).forEach(files::add);
        if (generation.isRelocated()) {
            Map<StoreUri, List<StateCopy>> byDirectory = byDirectory(generation.relocated());
            ArrayNode relocated = node.putArray("relocated");
            byDirectory.forEach((directory, copies) -> {
                ObjectNode group = relocated.addObject();
                group.put("directory", directory.toString());
                ArrayNode entries = group.putArray("files");
                for (StateCopy copy : copies) {
                    ArrayNode entry = entries.addArray().add(copy.source().name());
                    if (!copy.whole()) {
                        entry.add(copy.offset());
                    }
                    entry.add(copy.length());
                }
            });
        }
    }

    /**
     * {@code copies} in the order a record keeps them: grouped by source directory, in the order each directory is
     * first met. A generation built in this order (its other files first) reads back equal.
     */
    static List<StateCopy> inRecordOrder(List<StateCopy> copies) {
        List<StateCopy> ordered = new ArrayList<>(copies.size());
        byDirectory(copies).values().forEach(ordered::addAll);
        return ordered;
    }

    private static Map<StoreUri, List<StateCopy>> byDirectory(List<StateCopy> copies) {
        Map<StoreUri, List<StateCopy>> byDirectory = new LinkedHashMap<>();
        for (StateCopy copy : copies) {
            byDirectory.computeIfAbsent(copy.source().parent().orElseThrow(), d -> new ArrayList<>()).add(copy);
        }
        return byDirectory;
    }

    private static List<StateCopy> readRelocated(JsonNode list) {
        if (list == null) {
            return List.of();
        }
        if (!list.isArray()) {
            throw new IllegalArgumentException("relocated is not a list");
        }
        List<StateCopy> copies = new ArrayList<>();
        for (JsonNode group : list) {
            StoreUri directory;
            try {
                directory = StoreUri.parse(text(group, "directory"));
            } catch (InvalidStoreUriException e) {
                throw new IllegalArgumentException("relocated directory: " + e.getMessage(), e);
            }
            JsonNode entries = group.get("files");
            if (entries == null || !entries.isArray()) {
                throw new IllegalArgumentException("relocated files of " + directory + " are not a list");
            }
            for (JsonNode entry : entries) {
                boolean whole = entry.size() == 2;
                if (!entry.isArray() || (entry.size() != 2 && entry.size() != 3) || !entry.get(0).isTextual()
                        || !entry.get(1).isIntegralNumber() || !entry.get(entry.size() - 1).isIntegralNumber()) {
                    throw new IllegalArgumentException("relocated holds an entry that is not [name, length] or [name, offset, length]: "
                            + entry);
                }
                StoreUri source = directory.resolve(entry.get(0).textValue());
                long length = entry.get(entry.size() - 1).longValue();
                copies.add(whole ? StateCopy.wholeFile(source, length) : StateCopy.segment(source, entry.get(1).longValue(), length));
            }
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
        List<StateCopy> relocated = readRelocated(node.get("relocated"));
        List<String> files = new ArrayList<>(names(node.get("files"), "files", false));
        relocated.forEach(copy -> files.add(copy.name()));
        return new Generation(jobId, checkpointId, kind, source, completedAt, files, relocated);
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
