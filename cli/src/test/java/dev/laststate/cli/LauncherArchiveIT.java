package dev.laststate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/laststate with the class-data archive the build trains ({@code target/laststate.jsa}), without one, and
 * with one that cannot be used: every run does its job and prints exactly what {@code java -jar} prints.
 */
class LauncherArchiveIT {

    /** Failsafe runs in the module directory. */
    private static final Path ARCHIVE = Path.of("target", "laststate.jsa").toAbsolutePath();
    private static final Path LAUNCHER = Path.of("..", "bin", "laststate").toAbsolutePath().normalize();
    private static final Path EXAMPLES = Path.of("..", "examples", "checkpoints").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    @BeforeAll
    static void builtByPackage() {
        JarProcess.requireJar();
        assertThat(ARCHIVE).as("'mvn package' trains the archive beside the jar").isRegularFile();
    }

    @Test
    void theLauncherStartsFromTheArchive() throws Exception {
        Path classLog = dir.resolve("classes.log");

        JarProcess run = run(Map.of("LASTSTATE_JAVA_OPTS", "-Xlog:class+load=info:file=" + classLog), List.of("sh", LAUNCHER.toString(), "--version"));

        assertThat(run).isEqualTo(plain("--version"));
        assertThat(Files.readString(classLog)).contains("dev.laststate.cli.LastStateCommand source: shared objects file");
    }

    @Test
    void withTheArchiveEveryRunPrintsWhatThePlainJarPrints() throws Exception {
        assertSameAsThePlainJar(LAUNCHER);
    }

    @Test
    void withoutAnArchiveTheLauncherRunsAsBefore() throws Exception {
        assertSameAsThePlainJar(repository(null));
    }

    @Test
    void aCorruptArchiveIsIgnoredSilently() throws Exception {
        byte[] noise = new byte[64 * 1024];
        Arrays.fill(noise, (byte) 0x5a);
        assertSameAsThePlainJar(repository(noise));
    }

    @Test
    void aCutShortArchiveIsIgnoredSilently() throws Exception {
        byte[] archive = Files.readAllBytes(ARCHIVE);
        assertSameAsThePlainJar(repository(Arrays.copyOf(archive, archive.length / 3)));
    }

    @Test
    void anArchiveOfAnotherJarIsIgnoredSilently() throws Exception {
        // The archive names the jar it was made from; this repository's jar is another file.
        assertSameAsThePlainJar(repository(Files.readAllBytes(ARCHIVE)));
    }

    @Test
    void anArchiveOlderThanTheJarIsNotUsed() throws Exception {
        Path launcher = repository(Files.readAllBytes(ARCHIVE));
        Path archive = launcher.getParent().resolveSibling("cli").resolve("target").resolve("laststate.jsa");
        Files.setLastModifiedTime(archive, FileTime.fromMillis(0));
        Path classLog = dir.resolve("classes.log");

        JarProcess run = run(Map.of("LASTSTATE_JAVA_OPTS", "-Xlog:class+load=info:file=" + classLog), List.of("sh", launcher.toString(), "--version"));

        assertThat(run).isEqualTo(plain("--version"));
        assertThat(Files.readString(classLog)).contains("dev.laststate.cli.LastStateCommand source: file:");
    }

    /** --version, --help and a promotion of the example tree: exit code, stdout and stderr as {@code java -jar} gives them. */
    private void assertSameAsThePlainJar(Path launcher) throws Exception {
        assertThat(run(Map.of(), List.of("sh", launcher.toString(), "--version"))).isEqualTo(plain("--version"));
        assertThat(run(Map.of(), List.of("sh", launcher.toString(), "--help"))).isEqualTo(plain("--help"));

        Path plainStore = copyOfTheExamples("plain");
        Path store = copyOfTheExamples("launched");
        JarProcess expected = plain("promote", "--store", plainStore.toString(), "--output", "json");
        JarProcess promote = run(Map.of(), List.of("sh", launcher.toString(), "promote", "--store", store.toString(), "--output", "json"));

        assertThat(promote.exitCode()).as(promote.toString()).isZero();
        assertThat(promote.err()).isEmpty();
        // The same answer but for the paths and the duration.
        assertThat(normalized(promote.out(), store)).isEqualTo(normalized(expected.out(), plainStore));
        assertThat(promote.out().lines()).singleElement().asString().contains("\"status\":\"PROMOTED\"");
    }

    private static String normalized(String out, Path store) {
        return out.replace(store.toString(), "STORE").replaceAll("\"durationMs\":\\d+", "\"durationMs\":0");
    }

    /**
     * A repository of its own: the launcher, a link to the built jar, and {@code archive} (none when null) written
     * after it, so the launcher passes it to the JVM.
     */
    private Path repository(byte[] archive) throws IOException {
        Path repo = dir.resolve("repo");
        Path bin = Files.createDirectories(repo.resolve("bin"));
        Path target = Files.createDirectories(repo.resolve("cli").resolve("target"));
        Path launcher = Files.copy(LAUNCHER, bin.resolve("laststate"));
        Files.createSymbolicLink(target.resolve("laststate.jar"), JarProcess.JAR);
        if (archive != null) {
            Path written = Files.write(target.resolve("laststate.jsa"), archive);
            Files.setLastModifiedTime(written, FileTime.fromMillis(Files.getLastModifiedTime(JarProcess.JAR).toMillis() + 60_000));
        }
        return launcher;
    }

    private Path copyOfTheExamples(String name) throws IOException {
        Path store = dir.resolve(name).resolve("checkpoints");
        try (Stream<Path> paths = Files.walk(EXAMPLES)) {
            for (Path path : paths.toList()) {
                Path copy = store.resolve(EXAMPLES.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(copy);
                } else {
                    Files.copy(path, copy);
                }
            }
        }
        return store;
    }

    private JarProcess plain(String... args) throws Exception {
        return run(Map.of(), JarProcess.javaJar(args));
    }

    private JarProcess run(Map<String, String> env, List<String> command) throws Exception {
        return JarProcess.run(dir, env, command);
    }
}
