package dev.laststate.cli;

import static dev.laststate.cli.LocalFiles.location;
import static dev.laststate.cli.LocalFiles.read;
import static dev.laststate.cli.LocalFiles.uriOf;
import static dev.laststate.tck.CheckpointTree.JOB;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.laststate.store.StoreUri;
import dev.laststate.store.file.LocalPaths;
import dev.laststate.tck.CheckpointTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file store never follows a symbolic link, so the CLI resolves the links in the local locations a user
 * types, once: {@code --store} and {@code --savepoints} wholly, {@code --target} up to its parent.
 */
class SymbolicLinkLocationsTest {

    @TempDir
    Path temp;

    /** The real directory, and {@code link} pointing at it. */
    private Path real;
    private Path link;

    @BeforeEach
    void linkedDirectory() throws IOException {
        Path base = temp.toRealPath();
        real = Files.createDirectories(base.resolve("real"));
        link = Files.createSymbolicLink(base.resolve("link"), real);
    }

    @Test
    void aStoreGivenThroughALinkedParentStillPromotesIntoItsRealPath() throws Exception {
        CheckpointTree tree = CheckpointTree.inDirectory(real.resolve("checkpoints")).standard();
        Path chk12 = tree.jobDir(JOB).toLocalPath().resolve("chk-12");

        Cli.Run run = Cli.succeeds("promote", "--store", link.resolve("checkpoints").toString(), "--output", "json");

        JsonNode result = run.json();
        assertThat(result.get("status").asText()).isEqualTo("PROMOTED");
        assertThat(result.get("source").asText()).isEqualTo(uriOf(chk12));
        assertThat(result.get("target").asText()).isEqualTo(uriOf(tree.lastState().toLocalPath()));
        assertThat(read(tree.lastState().toLocalPath().resolve("_metadata"))).isEqualTo(LocalFiles.relocatedMetadata(chk12));
    }

    @Test
    void aStoreThatIsItselfALinkIsResolvedToo() throws Exception {
        CheckpointTree tree = CheckpointTree.inDirectory(real).standard();

        Cli.Run run = Cli.succeeds("promote", "--store", link.toString(), "--output", "json");

        assertThat(run.json().get("target").asText()).isEqualTo(uriOf(tree.lastState().toLocalPath()));
    }

    @Test
    void savepointsGivenThroughALinkAreFoundAtTheirRealPath() throws Exception {
        CheckpointTree tree = CheckpointTree.inDirectory(real.resolve("checkpoints")).standard();
        Path savepoint = tree.savepoint(location(real.resolve("savepoints")), JOB, 20, 2, CheckpointTree.BASE.plusSeconds(3600)).toLocalPath();

        Cli.Run run = Cli.succeeds("promote", "--store", tree.checkpoints().toLocalPath().toString(), "--savepoints",
                link.resolve("savepoints").toString(), "--output", "json");

        assertThat(run.json().get("source").asText()).isEqualTo(uriOf(savepoint));
    }

    @Test
    void aTargetBelowALinkedParentLandsInTheRealDirectory() throws Exception {
        CheckpointTree tree = CheckpointTree.inDirectory(temp.toRealPath().resolve("checkpoints")).standard();

        Cli.Run run = Cli.succeeds("promote", "--store", tree.checkpoints().toLocalPath().toString(), "--target", link.resolve("restore/last").toString(),
                "--output", "json");

        assertThat(run.json().get("target").asText()).isEqualTo(uriOf(real.resolve("restore/last")));
        assertThat(real.resolve("restore/last/_metadata")).isRegularFile();
    }

    @Test
    void aTargetThatIsItselfALinkIsRefusedNotFollowed() throws Exception {
        CheckpointTree tree = CheckpointTree.inDirectory(temp.toRealPath().resolve("checkpoints")).standard();
        Path linkedTarget = Files.createSymbolicLink(tree.checkpoints().toLocalPath().resolve("last-state"), real);

        Cli.Run run = Cli.run("promote", "--store", tree.checkpoints().toLocalPath().toString(), "--target", linkedTarget.toString());

        assertThat(run.exitCode()).as(run.toString()).isNotZero();
        assertThat(run.errLines()).as(run.toString()).singleElement().asString().contains(uriOf(linkedTarget));
        try (var files = Files.list(real)) {
            assertThat(files).as("the directory the link points at").isEmpty();
        }
    }

    @Test
    void verifyResolvesTheParentOfItsOwnTarget() {
        Cli.Run alone = Cli.run("verify", "--target", link.resolve("nothing").toString());
        Cli.Run withStore = Cli.run("verify", "--store", link.toString(), "--target", link.resolve("nothing").toString());

        for (Cli.Run run : new Cli.Run[] {alone, withStore}) {
            BadInputTest.assertOneLineError(run, ExitCodes.UNKNOWN_TARGET, "nothing to verify in " + uriOf(real.resolve("nothing")));
        }
    }

    @Test
    void onlyTheParentOfATargetIsResolvedSoALinkedTargetIsNeverFollowed() {
        Path linkedTarget = real.resolve("last-state-link");

        assertThat(LocalPaths.realParent(uri(link.resolve("last-state-link")))).isEqualTo(uri(linkedTarget));
        assertThat(LocalPaths.realParent(uri(link))).isEqualTo(uri(link));
        assertThat(LocalPaths.realPath(uri(link))).isEqualTo(uri(real));
    }

    @Test
    void missingDirectoriesBelowTheDeepestExistingOneAreKeptAsGiven() {
        assertThat(LocalPaths.realPath(uri(link.resolve("a/b/c")))).isEqualTo(uri(real.resolve("a/b/c")));
        assertThat(LocalPaths.realParent(uri(link.resolve("a/b/c")))).isEqualTo(uri(real.resolve("a/b/c")));
        assertThat(LocalPaths.realPath(StoreUri.parse("file:///"))).isEqualTo(StoreUri.parse("file:///"));
    }

    @Test
    void otherSchemesAreUntouched() {
        StoreUri s3 = StoreUri.parse("s3://bucket" + link);

        assertThat(LocalPaths.realPath(s3)).isEqualTo(s3);
        assertThat(LocalPaths.realParent(s3.resolve("x"))).isEqualTo(s3.resolve("x"));
    }

    private static StoreUri uri(Path path) {
        return StoreUri.ofLocalPath(path.toString());
    }
}
