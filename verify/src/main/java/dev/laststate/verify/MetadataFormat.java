package dev.laststate.verify;

import dev.laststate.flink.FlinkLayout;
import dev.laststate.store.StoreUri;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.runtime.checkpoint.Checkpoints;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.apache.flink.runtime.checkpoint.metadata.MetadataSerializers;

/**
 * Reads and writes {@code _metadata} with Flink's own classes. Writing keeps the format version that was read:
 * Flink 2.3 writes version 6 and reads 1-6, Flink 1.20 writes 4 and reads only 1-4 (measured), so a relocated
 * 1.20 checkpoint must stay version 4 for the Flink that will restore it.
 */
final class MetadataFormat {

    private MetadataFormat() {}

    /** The parsed {@code _metadata} that {@code bytes} are, as {@code metadataUri}. */
    static CheckpointMetadata load(StoreUri metadataUri, byte[] bytes) throws UnreadableMetadataException {
        // Flink resolves the external pointer through its own file systems as soon as it meets a relative handle
        // (it stats <pointer>/_metadata), and the Flink in this JVM has none for s3://, gs://, ...: the store's
        // directory would fail there. Callers resolve relative handles against the store's directory themselves
        // (getRelativePath), so Flink gets a local stand-in: an empty directory with an empty _metadata.
        Path standIn = standIn(metadataUri);
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            return Checkpoints.loadCheckpointMetadata(in, MetadataFormat.class.getClassLoader(), standIn.toUri().toString());
        } catch (IOException | RuntimeException e) {
            throw new UnreadableMetadataException(metadataUri, "Flink cannot read it: " + e.getMessage(), e);
        } catch (OutOfMemoryError e) {
            // Bytes that are not Flink's format can declare a huge length, and Flink allocates it at once: that one
            // allocation fails, nothing else was filled, so this is a corrupt file rather than a full heap.
            throw new UnreadableMetadataException(metadataUri, "Flink cannot read it: it declares a length larger than "
                    + "the file (" + bytes.length + " bytes)", e);
        } finally {
            deleteStandIn(standIn);
        }
    }

    /** The format version in the header of {@code bytes}, which {@link #load} has read. */
    static int version(byte[] bytes) {
        return ByteBuffer.wrap(bytes, 4, 4).getInt();
    }

    /** {@code metadata} written as Flink writes it, in format {@code version}. */
    static byte[] write(CheckpointMetadata metadata, int version) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            Checkpoints.storeCheckpointMetadata(metadata, out, MetadataSerializers.getSerializer(version));
        }
        return bytes.toByteArray();
    }

    private static Path standIn(StoreUri metadataUri) {
        try {
            Path standIn = Files.createTempDirectory("laststate-verify-");
            Files.createFile(standIn.resolve(FlinkLayout.METADATA));
            return standIn;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the local stand-in directory for reading " + metadataUri, e);
        }
    }

    private static void deleteStandIn(Path standIn) {
        try {
            Files.deleteIfExists(standIn.resolve(FlinkLayout.METADATA));
            Files.deleteIfExists(standIn);
        } catch (IOException e) {
            // Two empty entries left in the temporary directory: nothing to report to the user.
        }
    }
}
