package dev.laststate.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;

/**
 * The image tarball Jib's {@code buildTar} writes in OCI format: an OCI image layout ({@code index.json},
 * {@code blobs/sha256/...}) in one tar. Reads its manifest and config, and unpacks its layers, in order, into a
 * directory: the root file system a container runtime would give the container.
 */
final class OciImage {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One layer: its digest, its size in the tarball (gzipped) and unpacked. */
    record Layer(String digest, long compressed, long uncompressed, String comment) {}

    private final Path tarball;
    private final Path layout;

    private OciImage(Path tarball, Path layout) {
        this.tarball = tarball;
        this.layout = layout;
    }

    /** The image in {@code tarball}, its layout unpacked into {@code work} (the host's tar). */
    static OciImage read(Path tarball, Path work) throws IOException, InterruptedException {
        Path layout = Files.createDirectories(work);
        tar(layout, tarball, "-xf", tarball.toString());
        return new OciImage(tarball, layout);
    }

    Path tarball() {
        return tarball;
    }

    /** The one manifest {@code index.json} names. */
    JsonNode manifest() {
        JsonNode manifests = json("index.json").get("manifests");
        if (manifests.size() != 1) {
            throw new IllegalStateException(tarball + " holds " + manifests.size() + " manifests, not one");
        }
        return blob(manifests.get(0).get("digest").asText());
    }

    /** The image's reference name in {@code index.json}. */
    String name() {
        return json("index.json").get("manifests").get(0).path("annotations").path("org.opencontainers.image.ref.name").asText();
    }

    /** The image config's {@code config}: Entrypoint, Cmd, User, Env, WorkingDir, Labels. */
    JsonNode config() {
        return blob(manifest().get("config").get("digest").asText()).get("config");
    }

    List<String> strings(String field) {
        List<String> values = new ArrayList<>();
        config().path(field).forEach(value -> values.add(value.asText()));
        return values;
    }

    /** {@code Env} as a map. */
    Map<String, String> environment() {
        Map<String, String> env = new TreeMap<>();
        for (String pair : strings("Env")) {
            int eq = pair.indexOf('=');
            env.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        return env;
    }

    List<Layer> layers() throws IOException {
        JsonNode history = blob(manifest().get("config").get("digest").asText()).path("history");
        List<Layer> layers = new ArrayList<>();
        int i = 0;
        for (JsonNode layer : manifest().get("layers")) {
            String digest = layer.get("digest").asText();
            long uncompressed;
            try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(bytes(digest)))) {
                uncompressed = in.transferTo(java.io.OutputStream.nullOutputStream());
            }
            layers.add(new Layer(digest, layer.get("size").asLong(), uncompressed, history.path(i++).path("comment").asText()));
        }
        return layers;
    }

    /** Unpacks every layer, in order, into {@code root} with the host's tar (owners, modes and times as recorded). */
    void unpack(Path root) throws IOException, InterruptedException {
        for (JsonNode layer : manifest().get("layers")) {
            tar(root, tarball, "-xzf", layout.resolve(path(layer.get("digest").asText())).toString());
        }
    }

    private static void tar(Path into, Path tarball, String mode, String file) throws IOException, InterruptedException {
        Process tar = new ProcessBuilder("tar", mode, file, "-C", into.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (tar.waitFor() != 0) {
            throw new IOException("tar " + mode + " " + file + " failed (" + tarball + ")");
        }
    }

    private JsonNode json(String name) {
        try {
            return JSON.readTree(layout.resolve(name).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private JsonNode blob(String digest) {
        return json(path(digest));
    }

    private byte[] bytes(String digest) throws IOException {
        return Files.readAllBytes(layout.resolve(path(digest)));
    }

    private static String path(String digest) {
        return "blobs/" + digest.replace(':', '/');
    }
}
