package dev.laststate.cli;

import static dev.laststate.cli.LocalFiles.uriOf;
import static dev.laststate.tck.CheckpointTree.JOB;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.laststate.flink.FlinkLayout;
import dev.laststate.tck.CheckpointTree;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.runtime.checkpoint.Checkpoints;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.state.KeyGroupRange;
import org.apache.flink.runtime.state.KeyGroupRangeOffsets;
import org.apache.flink.runtime.state.KeyGroupsStateHandle;
import org.apache.flink.runtime.state.filesystem.FileStateHandle;
import org.apache.flink.runtime.state.filesystem.RelativeFileStateHandle;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code verify} and {@code promote --verify} on a checkpoint whose {@code _metadata} Flink's own serializer wrote. */
class VerifyCommandTest {

    @TempDir
    Path dir;

    private Path chk;
    private Path shared;

    @BeforeEach
    void checkpoint() throws IOException {
        shared = Files.createDirectories(dir.resolve(JOB).resolve("shared"));
        Files.write(shared.resolve("sst-1"), new byte[32]);
        chk = checkpoint(7, "sst-1");
    }

    /** {@code chk-<id>} with one relative state file and one reference to {@code shared/<sharedFile>}. */
    private Path checkpoint(long id, String sharedFile) throws IOException {
        Path chk = Files.createDirectories(dir.resolve(JOB).resolve("chk-" + id));
        Files.write(chk.resolve("keyed-a"), new byte[64]);
        org.apache.flink.core.fs.Path chkPath = new org.apache.flink.core.fs.Path(chk.toUri());
        OperatorState state = new OperatorState(null, null, new OperatorID(), 2, 128);
        state.putState(0, OperatorSubtaskState.builder().setManagedKeyedState(new KeyGroupsStateHandle(
                new KeyGroupRangeOffsets(KeyGroupRange.of(0, 63)),
                new RelativeFileStateHandle(new org.apache.flink.core.fs.Path(chkPath, "keyed-a"), "keyed-a", 64))).build());
        state.putState(1, OperatorSubtaskState.builder().setManagedKeyedState(new KeyGroupsStateHandle(
                new KeyGroupRangeOffsets(KeyGroupRange.of(64, 127)),
                new FileStateHandle(new org.apache.flink.core.fs.Path(shared.resolve(sharedFile).toUri()), 32))).build());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Checkpoints.storeCheckpointMetadata(new CheckpointMetadata(id, List.of(state), List.of()), new DataOutputStream(bytes));
        Files.write(chk.resolve("_metadata"), bytes.toByteArray());
        return chk;
    }

    @Test
    void promoteWithVerifyNeverCommitsASnapshotThatWouldNotRestore() throws IOException {
        Cli.succeeds("promote", "--store", dir.toString(), "--verify");
        byte[] served = Files.readAllBytes(dir.resolve("last-state").resolve("_metadata"));
        checkpoint(8, "sst-deleted-by-flink");

        Cli.Run run = Cli.run("promote", "--store", dir.toString(), "--verify");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.VERIFICATION_FAILED);
        assertThat(run.errLines()).singleElement().asString()
                .contains("sst-deleted-by-flink").endsWith("nothing was committed");
        assertThat(dir.resolve("last-state").resolve("_metadata")).hasBinaryContent(served);
        Cli.Run verify = Cli.succeeds("verify", "--store", dir.toString());
        assertThat(verify.out()).startsWith("RESTORABLE checkpoint 7");
    }

    @Test
    void aCorruptMetadataIsExitSevenAndLeavesTheGoodStateServed() throws IOException {
        Cli.succeeds("promote", "--store", dir.toString());
        byte[] served = Files.readAllBytes(dir.resolve("last-state").resolve("_metadata"));
        for (byte[] corrupt : List.of(new byte[0], new byte[10])) {
            Path chk8 = checkpoint(8, "sst-1");
            Files.write(chk8.resolve("_metadata"), corrupt);

            Cli.Run run = Cli.run("promote", "--store", dir.toString(), "--verify");

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.UNPROMOTABLE_SNAPSHOT);
            assertThat(run.out()).isEmpty();
            assertThat(run.errLines()).singleElement().asString().contains("is not Flink checkpoint metadata");
            assertThat(dir.resolve("last-state").resolve("_metadata")).hasBinaryContent(served);
            assertThat(dir.resolve("last-state").resolve(FlinkLayout.PENDING_RECORDS)).isEmptyDirectory();
        }
    }

    @Test
    void promotedCheckpointIsRestorable() {
        Cli.succeeds("promote", "--store", dir.toString());

        Cli.Run run = Cli.succeeds("verify", "--store", dir.toString());

        assertThat(run.err()).isEmpty();
        assertThat(run.outLines()).containsExactly("RESTORABLE checkpoint 7 in " + uriOf(dir.resolve("last-state"))
                + ": 2 of 2 files present (2 relative, 0 absolute), 0 inline, self-contained");
    }

    @Test
    void aCopyOfTheDirectoryAsItIsNamesWhatLiesOutsideIt() {
        Cli.succeeds("promote", "--store", dir.toString(), "--no-relocate");

        Cli.Run run = Cli.succeeds("verify", "--store", dir.toString());

        assertThat(run.outLines()).containsExactly("RESTORABLE checkpoint 7 in " + uriOf(dir.resolve("last-state"))
                + ": 2 of 2 files present (1 relative, 1 absolute), 0 inline, 1 outside it",
                "outside: " + uriOf(shared.resolve("sst-1")));
        JsonNode json = Cli.succeeds("verify", "--store", dir.toString(), "--output", "json").json();
        assertThat(json.get("selfContained").asBoolean()).isFalse();
        assertThat(json.get("outside")).singleElement().extracting(JsonNode::asText).isEqualTo(uriOf(shared.resolve("sst-1")));
    }

    @Test
    void aRelocatedPromotionRestoresAfterFlinkDeletedTheSharedFile() throws IOException {
        Cli.succeeds("promote", "--store", dir.toString(), "--verify");
        Files.delete(shared.resolve("sst-1"));

        Cli.Run run = Cli.succeeds("verify", "--store", dir.toString(), "--output", "json");

        assertThat(run.json().get("restorable").asBoolean()).isTrue();
        assertThat(run.json().get("selfContained").asBoolean()).isTrue();
        assertThat(run.json().get("outside")).isEmpty();
    }

    @Test
    void missingFilesExitSixAndAreListed() throws IOException {
        Cli.succeeds("promote", "--store", dir.toString());
        Path keyed = LocalFiles.relocated(dir.resolve("last-state"), chk.resolve("keyed-a"));
        Path sst = LocalFiles.relocated(dir.resolve("last-state"), shared.resolve("sst-1"));
        Files.delete(keyed);
        Files.delete(sst);

        Cli.Run run = Cli.run("verify", "--store", dir.toString());

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.VERIFICATION_FAILED);
        assertThat(run.outLines()).containsExactly(
                "NOT RESTORABLE checkpoint 7 in " + uriOf(dir.resolve("last-state"))
                        + ": 0 of 2 files present (2 relative, 0 absolute), 0 inline, self-contained",
                "missing: " + uriOf(keyed),
                "missing: " + uriOf(sst));
        assertThat(run.errLines()).singleElement().asString().startsWith("laststate: not restorable: 2 of 2 files");
    }

    @Test
    void jsonOutputAndTargetAlone() throws IOException {
        Files.delete(shared.resolve("sst-1"));

        // Any snapshot directory can be verified, with --target alone.
        Cli.Run run = Cli.run("verify", "--target", chk.toString(), "--output", "json");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.VERIFICATION_FAILED);
        JsonNode result = run.json();
        assertThat(result.get("restorable").asBoolean()).isFalse();
        assertThat(result.get("checkpointId").asLong()).isEqualTo(7);
        assertThat(result.get("files").asInt()).isEqualTo(2);
        assertThat(result.get("relativeFiles").asInt()).isEqualTo(1);
        assertThat(result.get("missing")).hasSize(1);
        assertThat(result.get("missing").get(0).asText()).isEqualTo(uriOf(shared.resolve("sst-1")));
    }

    @Test
    void promoteWithVerify() throws IOException {
        Cli.Run ok = Cli.succeeds("promote", "--store", dir.toString(), "--verify", "--output", "json");
        JsonNode result = ok.json();
        assertThat(result.get("status").asText()).isEqualTo("PROMOTED");
        assertThat(result.get("verification").get("restorable").asBoolean()).isTrue();

        Files.delete(LocalFiles.relocated(dir.resolve("last-state"), shared.resolve("sst-1")));
        Cli.Run unchanged = Cli.run("promote", "--store", dir.toString(), "--verify");
        assertThat(unchanged.exitCode()).as(unchanged.toString()).isEqualTo(ExitCodes.VERIFICATION_FAILED);
        assertThat(unchanged.outLines()).hasSize(3).first().asString().startsWith("UNCHANGED checkpoint 7");
        assertThat(unchanged.outLines().get(1)).startsWith("NOT RESTORABLE checkpoint 7");
    }

    @Test
    void metadataFlinkCannotReadExitsSix() throws Exception {
        CheckpointTree tree = CheckpointTree.inDirectory(dir.resolve("placeholders")).standard();
        Files.write(tree.jobDir(JOB).resolve("chk-12").resolve(FlinkLayout.METADATA).toLocalPath(),
                ByteBuffer.allocate(64).put(FlinkLayout.metadataHeader(12)).put(new byte[] {-1, -1, -1, -1}).array()); // a header, then no metadata
        Cli.succeeds("promote", "--store", dir.resolve("placeholders").toString(), "--no-relocate");

        Cli.Run run = Cli.run("verify", "--store", dir.resolve("placeholders").toString());

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.VERIFICATION_FAILED);
        assertThat(run.errLines()).singleElement().asString().startsWith("laststate: ").contains("Flink cannot read it");
    }

    @Test
    void nothingToVerifyExitsThreeOnceInitialized() {
        Cli.succeeds("init", "--store", dir.toString());

        Cli.Run run = Cli.run("verify", "--store", dir.toString());

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.NOTHING_TO_PROMOTE);
        assertThat(run.errLines()).singleElement().asString().startsWith("laststate: nothing to verify in ");
    }

    @Test
    void nothingToVerifyAtAnUnknownTargetExitsEight() {
        Cli.Run run = Cli.run("verify", "--store", dir.toString());

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.UNKNOWN_TARGET);
        assertThat(run.errLines()).singleElement().asString().startsWith("laststate: nothing to verify in ")
                .contains("laststate init");
    }

    @Test
    void resolveAdvisesNoClaim() {
        Cli.succeeds("promote", "--store", dir.toString());

        Cli.Run run = Cli.run("resolve", "--store", dir.toString());

        assertThat(run.outLines()).containsExactly(uriOf(dir.resolve("last-state")));
        assertThat(run.errLines()).singleElement().asString().contains("NO_CLAIM");
    }
}
