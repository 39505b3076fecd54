package dev.laststate.cli;

import dev.laststate.flink.FlinkLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Flink-shaped checkpoint and savepoint directories in a temporary directory, and a fingerprint of it. */
final class CheckpointTree {

    static final String JOB = "a1b2c3d4e5f60718293a4b5c6d7e8f90";
    static final String OTHER_JOB = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
    static final Instant BASE = Instant.parse("2025-03-01T10:00:00Z");

    final Path root;

    CheckpointTree(Path root) {
        this.root = root;
    }

    /** The usual case: chk-9, chk-10 and chk-12 complete, chk-13 still in progress. */
    static CheckpointTree standard(Path root) {
        CheckpointTree tree = new CheckpointTree(root);
        tree.checkpoint(JOB, 9);
        tree.checkpoint(JOB, 10);
        tree.checkpoint(JOB, 12);
        tree.incompleteCheckpoint(JOB, 13);
        return tree;
    }

    /** {@code <root>/<job>/chk-<id>/} with two state files and a {@code _metadata} completed at BASE + id minutes. */
    Path checkpoint(String jobId, long id) {
        Path dir = root.resolve(jobId).resolve("chk-" + id);
        writeState(dir, id);
        writeMetadata(dir, id, BASE.plusSeconds(60 * id));
        write(root.resolve(jobId).resolve("shared").resolve("rocks-" + id + ".sst"), bytes("shared " + id, 100));
        return dir;
    }

    /** A checkpoint Flink is still writing: state files but no {@code _metadata}. */
    Path incompleteCheckpoint(String jobId, long id) {
        Path dir = root.resolve(jobId).resolve("chk-" + id);
        writeState(dir, id);
        return dir;
    }

    /** {@code <savepoints>/savepoint-<6 hex>-<12 hex>/} holding checkpoint id {@code id}, completed at {@code completedAt}. */
    Path savepoint(Path savepoints, String jobId, long id, Instant completedAt) {
        Path dir = savepoints.resolve("savepoint-" + jobId.substring(0, 6) + "-" + String.format("%012x", id));
        writeState(dir, id);
        writeMetadata(dir, id, completedAt);
        return dir;
    }

    Path jobDir(String jobId) {
        return root.resolve(jobId);
    }

    Path lastState() {
        return root.resolve(FlinkLayout.DEFAULT_TARGET);
    }

    String uri() {
        return root.toUri().toString();
    }

    /** How {@code StoreUri} prints a local directory: {@code file:///x/y}, no trailing slash. */
    static String uriOf(Path path) {
        return "file://" + path.toAbsolutePath();
    }

    /** Every file below {@code dir} (hidden ones too) with its size and digest, and every directory. */
    static Map<String, String> fingerprint(Path dir) {
        Map<String, String> result = new TreeMap<>();
        if (!Files.exists(dir)) {
            return result;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.forEach(p -> {
                String name = dir.relativize(p).toString();
                if (Files.isDirectory(p)) {
                    result.put(name + "/", "dir");
                } else {
                    byte[] content = read(p);
                    result.put(name, content.length + " " + sha256(content));
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return result;
    }

    static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void write(Path file, byte[] content) {
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writeState(Path dir, long id) {
        // Above Flink's inline threshold in spirit: the state lives in files next to _metadata.
        write(dir.resolve("state-a-" + id), bytes("operator state a of " + id, 300));
        write(dir.resolve("state-b-" + id), bytes("keyed state b of " + id, 500));
    }

    private static void writeMetadata(Path dir, long id, Instant completedAt) {
        byte[] header = FlinkLayout.metadataHeader(id);
        byte[] body = bytes("metadata of " + id, 4);
        byte[] metadata = new byte[header.length + body.length];
        System.arraycopy(header, 0, metadata, 0, header.length);
        System.arraycopy(body, 0, metadata, header.length, body.length);
        Path file = dir.resolve(FlinkLayout.METADATA);
        write(file, metadata);
        try {
            Files.setLastModifiedTime(file, FileTime.from(completedAt));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] bytes(String text, int repeat) {
        return (text + "\n").repeat(repeat).getBytes(StandardCharsets.UTF_8);
    }

    private static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
