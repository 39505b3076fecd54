package dev.laststate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.laststate.tck.CheckpointTree;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --allow-nothing} and {@code resolve --output-file}: what a container without a shell needs to run the
 * init-container pattern and the CronJob (deploy/kubernetes). Nothing yet at a managed target is exit 0 with its one
 * line; a location laststate knows nothing of stays exit 8; the file holds the restore path, or nothing.
 */
class AllowNothingTest {

    @TempDir
    Path dir;

    @Test
    void promoteAllowsNothingYetAtAnInitializedTargetButNotAnUnknownOne() {
        Path checkpoints = dir.resolve("checkpoints");
        Cli.succeeds("init", "--store", checkpoints.toString());

        Cli.Run first = Cli.run("promote", "--store", checkpoints.toString(), "--verify", "--allow-nothing");
        Cli.Run unknown = Cli.run("promote", "--store", dir.resolve("chekpoints").toString(), "--allow-nothing");
        Cli.Run empty = Cli.run("promote", "--store", dir.toString(), "--allow-nothing");

        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(first.out()).isEmpty();
        assertThat(first.errLines()).singleElement().asString().startsWith("laststate: ").contains("initialized for a new job");
        assertThat(unknown.exitCode()).as(unknown.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(empty.exitCode()).as(empty.toString()).isEqualTo(ExitCodes.UNKNOWN_TARGET);
        assertThat(Cli.run("promote", "--store", checkpoints.toString()).exitCode()).as("without the flag")
                .isEqualTo(ExitCodes.NOTHING_TO_PROMOTE);
    }

    @Test
    void theVariableAllowsItTooAndJsonNamesWhatWasFound() {
        Path checkpoints = dir.resolve("checkpoints");
        Cli.succeeds("init", "--store", checkpoints.toString());

        Cli.Run run = Cli.run(Map.of("LASTSTATE_ALLOW_NOTHING", "true", "LASTSTATE_STORE", checkpoints.toString()),
                "promote", "--output", "json");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.json().get("error").asText()).isEqualTo("NOTHING_TO_PROMOTE");
        assertThat(run.json().get("exitCode").asInt()).isZero();
        assertThat(Cli.run(Map.of("LASTSTATE_ALLOW_NOTHING", "yes", "LASTSTATE_STORE", checkpoints.toString()), "promote")
                .exitCode()).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void resolveWritesAnEmptyFileOnAFirstDeploymentThenTheRestorePath() throws Exception {
        Path checkpoints = dir.resolve("checkpoints");
        Cli.succeeds("init", "--store", checkpoints.toString());
        Path file = Files.createDirectories(dir.resolve("volume")).resolve("restore-path");

        Cli.Run first = Cli.run("resolve", "--store", checkpoints.toString(), "--allow-nothing", "--output-file", file.toString());
        Cli.Run strict = Cli.run("resolve", "--store", checkpoints.toString(), "--output-file", file.toString());

        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(first.out()).isEmpty();
        assertThat(file).exists().isEmptyFile();
        assertThat(strict.exitCode()).as("without --allow-nothing: exit 3, the file empty all the same")
                .isEqualTo(ExitCodes.NOTHING_TO_PROMOTE);
        assertThat(file).isEmptyFile();

        CheckpointTree.inDirectory(checkpoints).standard();
        Cli.succeeds("promote", "--store", checkpoints.toString());
        Cli.Run second = Cli.run(Map.of("LASTSTATE_OUTPUT_FILE", file.toString()), "resolve", "--store", checkpoints.toString(),
                "--allow-nothing");

        assertThat(second.exitCode()).as(second.toString()).isZero();
        String lastState = LocalFiles.uriOf(checkpoints.resolve("last-state"));
        assertThat(second.outLines()).containsExactly(lastState);
        assertThat(file).hasContent(lastState + "\n");
        assertThat(Files.getPosixFilePermissions(file)).as("Flink's container runs as another user")
                .isEqualTo(PosixFilePermissions.fromString("rw-r--r--"));
        try (var left = Files.list(file.getParent())) {
            assertThat(left).containsExactly(file);
        }
    }

    @Test
    void resolveWritesNothingAtAnUnknownTargetAndRefusesAFileItCannotWrite() throws Exception {
        Path volume = Files.createDirectories(dir.resolve("volume"));
        Path file = volume.resolve("restore-path");
        Path unknown = Files.createDirectories(dir.resolve("unknown"));

        Cli.Run typo = Cli.run("resolve", "--store", unknown.toString(), "--allow-nothing", "--output-file", file.toString());
        Cli.Run noDirectory = Cli.run("resolve", "--store", unknown.toString(), "--output-file",
                volume.resolve("missing/restore-path").toString());
        Cli.Run directory = Cli.run("resolve", "--store", unknown.toString(), "--output-file", volume.toString());

        assertThat(typo.exitCode()).as(typo.toString()).isEqualTo(ExitCodes.UNKNOWN_TARGET);
        assertThat(file).doesNotExist();
        assertThat(noDirectory.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(noDirectory.errLines()).singleElement().asString().contains("lies in a directory that does not exist");
        assertThat(directory.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(directory.errLines()).singleElement().asString().contains("is a directory");
    }
}
