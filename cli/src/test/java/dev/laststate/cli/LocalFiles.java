package dev.laststate.cli;

import dev.laststate.flink.RelocatedNames;
import dev.laststate.flink.UnpromotableSnapshotException;
import dev.laststate.store.StoreUri;
import dev.laststate.verify.FlinkSnapshotRelocator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Local files for the CLI's tests: the location of a path, a fingerprint of a directory, reading and writing. */
final class LocalFiles {

    private LocalFiles() {}

    /** The location of a local path, as the CLI's tests hand it to a {@code CheckpointTree}. */
    static StoreUri location(Path path) {
        return StoreUri.ofLocalPath(path.toString());
    }

    /** How {@code StoreUri} prints a local directory: {@code file:///x/y}, no trailing slash. */
    static String uriOf(Path path) {
        return "file://" + path.toAbsolutePath();
    }

    /** Where a relocated promotion into {@code target} puts the copy of the local file {@code source}. */
    static Path relocated(Path target, Path source) {
        return target.resolve(RelocatedNames.file(location(source)));
    }

    /** The {@code _metadata} a relocated promotion commits for the local snapshot directory {@code snapshot}. */
    static byte[] relocatedMetadata(Path snapshot) {
        try {
            return new FlinkSnapshotRelocator().relocate(location(snapshot), read(snapshot.resolve("_metadata"))).metadata();
        } catch (UnpromotableSnapshotException e) {
            throw new IllegalStateException(e);
        }
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

    private static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
