package dev.laststate.cli;

import static dev.laststate.cli.LocalFiles.uriOf;
import static dev.laststate.tck.CheckpointTree.JOB;
import static org.assertj.core.api.Assertions.assertThat;

import dev.laststate.flink.FlinkLayout;
import dev.laststate.tck.CheckpointTree;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Local paths as a shell gives them: relative, with {@code .}, {@code ..} and a trailing slash. */
class RelativeLocationsTest {

    @TempDir
    Path dir;

    /** {@code dir} relative to the working directory: it climbs with {@code ..} to the root. */
    private String relative() {
        return Path.of("").toAbsolutePath().relativize(dir.toAbsolutePath()).toString();
    }

    @Test
    void aStoreWithDotsAndATrailingSlashIsTheSameDirectory() throws Exception {
        CheckpointTree tree = CheckpointTree.inDirectory(dir).standard();
        assertThat(relative()).startsWith("..");

        Cli.Run run = Cli.succeeds("promote", "--store", "./" + relative() + "/");

        assertThat(run.out()).startsWith("PROMOTED checkpoint 12 of job " + JOB)
                .contains("-> " + uriOf(tree.lastState().toLocalPath()) + ":");
    }

    @Test
    void dotDotInsideAPathIsResolvedAsAShellDoes() throws Exception {
        CheckpointTree tree = CheckpointTree.inDirectory(dir).standard();

        Cli.Run run = Cli.succeeds("promote", "--store", relative() + "/" + JOB + "/..",
                "--target", dir + "/elsewhere/../last-state/");

        assertThat(run.out()).contains("-> " + uriOf(tree.lastState().toLocalPath()) + ":");
    }

    @Test
    void aUriStillRefusesDotDot() {
        Cli.Run run = Cli.run("promote", "--store", "file://" + dir + "/x/..");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.errLines()).singleElement().asString().contains("'.' and '..' segments are not allowed");
    }

    @Test
    void verifyOfAMetadataFileVerifiesItsDirectory() throws Exception {
        CheckpointTree tree = CheckpointTree.inDirectory(dir).standard();
        Path chk12 = tree.jobDir(JOB).toLocalPath().resolve("chk-12");

        Cli.Run ofDirectory = Cli.run("verify", "--target", chk12.toString());

        Cli.Run ofFile = Cli.run("verify", "--target", chk12.resolve(FlinkLayout.METADATA).toString());

        assertThat(ofFile).isEqualTo(ofDirectory);
        assertThat(ofFile.out()).contains(uriOf(chk12)).doesNotContain(uriOf(chk12) + "/_metadata/");
    }

    @Test
    void verifyOfAnIncompleteCheckpointSaysSo() throws Exception {
        CheckpointTree tree = CheckpointTree.inDirectory(dir).standard();
        Path chk13 = tree.jobDir(JOB).toLocalPath().resolve("chk-13"); // state files, no _metadata

        Cli.Run run = Cli.run("verify", "--target", chk13.toString());

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.NOTHING_TO_PROMOTE);
        assertThat(run.errLines()).singleElement().asString()
                .isEqualTo("laststate: " + uriOf(chk13) + " is an incomplete checkpoint: it holds no _metadata"
                        + " (Flink is still writing it, or abandoned it); nothing to verify")
                .doesNotContain("promote");
    }
}
