package dev.laststate.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import dev.laststate.s3.S3ProxyServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image as a container runtime would run it, without one: its tarball's layers unpacked into a root file
 * system, and its entrypoint run there as its config says (Entrypoint, User, Env, WorkingDir), in a mount and PID
 * namespace of its own ({@code unshare}): the root bind-mounted read-only, {@code /proc}, the host's {@code /dev},
 * a tmpfs on {@code /tmp} (the one writable directory, as the manifests give it) and a data directory bind-mounted
 * in; then {@code unshare --root --wd --setuid --setgid} enters it as the image's non-root user. Needs root (CI runs
 * as root, where not being able to is a failure, not a skip).
 */
class ImageIT {

    private static final String BUCKET = "laststate-image";

    @TempDir
    static Path work;

    private static OciImage image;
    private static Path root;
    private static Path data;
    private static S3ProxyServer s3;

    /** What one run in the image printed and returned. */
    record Run(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    @BeforeAll
    static void unpack() throws Exception {
        requireRoot();
        image = OciImage.read(Path.of(System.getProperty("laststate.image.tar")), work.resolve("layout"));
        root = Files.createDirectories(work.resolve("rootfs"));
        image.unpack(root);
        // The mount points a container runtime creates, and where the test mounts its data.
        for (String dir : List.of("proc", "dev", "data")) {
            Files.createDirectories(root.resolve(dir));
        }
        data = Files.createDirectories(work.resolve("data"));
        Trees.copy(Path.of(System.getProperty("examples.checkpoints")), data.resolve("checkpoints"));
        exec("chown", "-R", user(), data.toString());
        s3 = S3ProxyServer.start();
        s3.createBucket(BUCKET);
    }

    @AfterAll
    static void stop() throws Exception {
        if (s3 != null) {
            s3.close();
        }
    }

    @Test
    void theConfigRunsLaststateAsANonRootUserWithLabels() throws IOException {
        assertThat(image.name()).isEqualTo("laststate:" + System.getProperty("laststate.version"));
        assertThat(image.strings("Entrypoint")).startsWith("/opt/java/bin/java").endsWith("-jar", "/opt/laststate/laststate.jar")
                .contains("-XX:SharedArchiveFile=/opt/laststate/laststate.jsa", "-Xshare:auto");
        assertThat(user()).isEqualTo("65532:65532");
        assertThat(image.config().get("Labels").get("org.opencontainers.image.version").asText())
                .isEqualTo(System.getProperty("laststate.version"));
        assertThat(image.config().get("Labels").fieldNames()).toIterable()
                .contains("org.opencontainers.image.source", "org.opencontainers.image.licenses");
        long total = 0;
        for (OciImage.Layer layer : image.layers()) {
            System.out.printf("layer %s (%s): %,d bytes gzipped, %,d unpacked%n", layer.digest(), layer.comment(),
                    layer.compressed(), layer.uncompressed());
            total += layer.compressed();
        }
        System.out.printf("image %s: %,d bytes (tarball %,d)%n", image.name(), total, Files.size(image.tarball()));
    }

    @Test
    void versionRunsOnAReadOnlyRootWithTheArchiveMapped() throws Exception {
        Run version = run(entrypoint(), Map.of(), "--version");
        assertThat(version.exitCode()).as(version.toString()).isZero();
        assertThat(version.out()).isEqualTo("laststate " + System.getProperty("laststate.version") + "\n");
        assertThat(version.err()).isEmpty();

        // -Xshare:on fails instead of running without the archive: it maps, with this runtime, at these paths.
        Run shared = run(replace(entrypoint(), "-Xshare:auto", "-Xshare:on"), Map.of(), "--version");
        assertThat(shared.exitCode()).as(shared.toString()).isZero();
    }

    @Test
    void promotesTheExampleTreeMountedIn() throws Exception {
        Run promote = run(entrypoint(), Map.of(), "promote", "--store", "/data/checkpoints");
        Run verify = run(entrypoint(), Map.of(), "verify", "--store", "/data/checkpoints");

        assertThat(promote.exitCode()).as(promote.toString()).isZero();
        assertThat(promote.out()).startsWith("PROMOTED checkpoint 7 of job 8f4a4bd09ce1be022448705e240cba46");
        assertThat(verify.exitCode()).as(verify.toString()).isZero();
        assertThat(verify.out()).startsWith("RESTORABLE checkpoint 7");
        assertThat(data.resolve("checkpoints/last-state/_metadata")).exists();
        assertThat(data.resolve("checkpoints/last-state/_laststate.json")).exists();
    }

    @Test
    void promotesAnS3StoreOnS3Proxy() throws Exception {
        Path examples = Path.of(System.getProperty("examples.checkpoints"));
        try (Stream<Path> files = Files.walk(examples)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                s3.put(BUCKET, "flink/checkpoints/" + examples.relativize(file), file);
            }
        }
        Map<String, String> env = Map.of("AWS_ACCESS_KEY_ID", S3ProxyServer.ACCESS_KEY,
                "AWS_SECRET_ACCESS_KEY", S3ProxyServer.SECRET_KEY, "AWS_REGION", S3ProxyServer.REGION,
                "AWS_ENDPOINT_URL_S3", s3.endpoint().toString());

        Run promote = run(entrypoint(), env, "promote", "--store", "s3://" + BUCKET + "/flink/checkpoints", "--verify");

        assertThat(promote.exitCode()).as(promote.toString()).isZero();
        assertThat(promote.out()).startsWith("PROMOTED checkpoint 7 of job 8f4a4bd09ce1be022448705e240cba46");
        assertThat(s3.exists(BUCKET, "flink/checkpoints/last-state/_metadata")).isTrue();
        assertThat(promote.err()).doesNotContain(S3ProxyServer.SECRET_KEY);
    }

    @Test
    void aTypoIsStillExit8AndAFirstDeploymentIsAllowedWithoutAShell() throws Exception {
        Files.createDirectories(data.resolve("new-job"));
        exec("chown", user(), data.resolve("new-job").toString());
        Run typo = run(entrypoint(), Map.of(), "promote", "--store", "/data/new-job", "--allow-nothing");
        Run init = run(entrypoint(), Map.of(), "init", "--store", "/data/new-job");
        Run first = run(entrypoint(), Map.of(), "promote", "--store", "/data/new-job", "--allow-nothing");
        Run resolve = run(entrypoint(), Map.of(), "resolve", "--store", "/data/new-job", "--allow-nothing",
                "--output-file", "/data/restore-path");

        assertThat(typo.exitCode()).as(typo.toString()).isEqualTo(8);
        assertThat(init.exitCode()).as(init.toString()).isZero();
        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(resolve.exitCode()).as(resolve.toString()).isZero();
        assertThat(data.resolve("restore-path")).isEmptyFile();
    }

    /** Not a test of a time: the start of {@code --version} and {@code --help} with and without the archive, printed. */
    @Test
    void startTimesWithAndWithoutTheArchive() throws Exception {
        List<Long> floor = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            long start = System.nanoTime();
            assertThat(run(List.of("/opt/java/bin/java", "-Xshare:off", "-version"), Map.of()).exitCode()).isZero();
            floor.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        }
        floor.sort(null);
        System.out.printf("start java -version (floor): median %d ms (%d-%d) of 5%n", floor.get(2), floor.get(0), floor.get(4));
        for (String command : List.of("--version", "--help")) {
            for (boolean archive : List.of(true, false)) {
                List<String> entrypoint = archive ? entrypoint() : replace(entrypoint(), "-Xshare:auto", "-Xshare:off");
                List<Long> millis = new ArrayList<>();
                run(entrypoint, Map.of(), command); // page cache
                for (int i = 0; i < 5; i++) {
                    long start = System.nanoTime();
                    assertThat(run(entrypoint, Map.of(), command).exitCode()).isZero();
                    millis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
                }
                millis.sort(null);
                System.out.printf("start %s %s archive: median %d ms (%d-%d) of 5, unshare and mounts included%n", command,
                        archive ? "with the" : "without the", millis.get(2), millis.get(0), millis.get(4));
            }
        }
    }

    private static List<String> entrypoint() {
        return image.strings("Entrypoint");
    }

    private static String user() {
        return image.config().get("User").asText();
    }

    private static List<String> replace(List<String> args, String from, String to) {
        assertThat(args).contains(from);
        return args.stream().map(a -> a.equals(from) ? to : a).toList();
    }

    /**
     * Runs {@code entrypoint} and {@code args} inside the root file system as the image's config says, with
     * {@code env} added to its Env. The first {@code touch} proves the root is read-only for root itself.
     */
    private static Run run(List<String> entrypoint, Map<String, String> env, String... args) throws Exception {
        Map<String, String> environment = new TreeMap<>(image.environment());
        environment.putAll(env);
        String[] ids = user().split(":");
        List<String> command = new ArrayList<>(List.of("unshare", "--mount", "--pid", "--fork", "--propagation", "private",
                "sh", "-euc", String.join("\n",
                        "r=$1; d=$2; shift 2",
                        "mount --bind \"$r\" \"$r\" && mount -o remount,bind,ro \"$r\"",
                        "if touch \"$r/probe\" 2>/dev/null; then echo 'the root is writable' >&2; exit 99; fi",
                        "mount -t proc proc \"$r/proc\"",
                        "mount --rbind /dev \"$r/dev\"",
                        "mount -t tmpfs -o mode=1777 tmpfs \"$r/tmp\"",
                        "mount --bind \"$d\" \"$r/data\"",
                        "exec \"$@\""),
                "sh", root.toString(), data.toString(), "env", "-i"));
        environment.forEach((k, v) -> command.add(k + "=" + v));
        command.addAll(List.of("unshare", "--root=" + root, "--wd=" + image.config().path("WorkingDir").asText("/"),
                "--setgid", ids[1], "--setuid", ids[0]));
        command.addAll(entrypoint);
        command.addAll(Arrays.asList(args));
        Process process = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        var err = new java.io.ByteArrayOutputStream();
        Thread drain = new Thread(() -> {
            try {
                process.getErrorStream().transferTo(err);
            } catch (IOException ignored) {
                // the process ended
            }
        });
        drain.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("timed out: " + command);
        }
        drain.join();
        return new Run(process.exitValue(), out, err.toString(StandardCharsets.UTF_8));
    }

    /** Root is needed for the mounts; under CI (which runs as root) its absence fails the build instead of skipping. */
    private static void requireRoot() throws Exception {
        String reason = null;
        Process id = new ProcessBuilder("id", "-u").start();
        String uid = new String(id.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        id.waitFor();
        if (!uid.equals("0")) {
            reason = "running the image needs root (mounts in a namespace of its own); uid is " + uid;
        } else if (new ProcessBuilder("unshare", "--mount", "true").start().waitFor() != 0) {
            reason = "unshare --mount fails here";
        }
        if (reason != null) {
            if ("true".equals(System.getenv("CI"))) {
                fail(reason + " (CI=true: this must run)");
            }
            Assumptions.abort(reason);
        }
    }

    private static void exec(String... command) throws Exception {
        Process process = new ProcessBuilder(command).inheritIO().start();
        assertThat(process.waitFor()).as(String.join(" ", command)).isZero();
    }
}
