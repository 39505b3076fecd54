package dev.laststate.cli;

import static dev.laststate.cli.LocalFiles.fingerprint;
import static dev.laststate.cli.LocalFiles.location;
import static dev.laststate.tck.CheckpointTree.JOB;
import static dev.laststate.tck.CheckpointTree.OTHER_JOB;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.laststate.tck.CheckpointTree;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Targets that are not targets, as an attack found them: each is exit 2 with one line, and storage is left as
 * it was (the promotion would have replaced or later deleted another snapshot's files).
 */
class TargetRefusalTest {

    @TempDir
    Path base;

    private RecordedJobManager jm;

    @AfterEach
    void stop() throws IOException {
        if (jm != null) {
            jm.close();
        }
    }

    @Test
    void theSavepointBeingPromotedIsNotItsOwnTarget() throws Exception {
        CheckpointTree tree = CheckpointTree.inDirectory(base.resolve("checkpoints")).standard();
        Path savepoint = tree.savepoint(location(base.resolve("savepoints")), JOB, 14, 2, Instant.now()).toLocalPath();
        jm = new RecordedJobManager(base);
        jm.answer("GET", "/jobs/overview", jm.body("jobs-overview-restored.json", Map.of("restored", JOB, "first", OTHER_JOB)));
        jm.answer("GET", "/jobs/" + JOB + "/checkpoints", jm.edit(jm.body("checkpoints-restored.json", Map.of("restored", JOB)),
                root -> ((ObjectNode) root.get("latest")).putObject("completed").put("id", 12)
                        .put("external_path", "file:" + tree.jobDir(JOB).toLocalPath().resolve("chk-12"))));
        String triggerBody = jm.body("savepoint-trigger.json", Map.of());
        String trigger = triggerBody.replaceAll(".*\"request-id\":\"([0-9a-f]+)\".*", "$1").strip();
        jm.answer("POST", "/jobs/" + JOB + "/savepoints", triggerBody);
        jm.answer("GET", "/jobs/" + JOB + "/savepoints/" + trigger, jm.edit(jm.body("savepoint-status-completed.json", Map.of()),
                root -> ((ObjectNode) root.get("operation")).put("location", "file:" + savepoint)));
        Map<String, String> before = fingerprint(base.resolve("checkpoints"));
        Map<String, String> savepointBefore = fingerprint(savepoint);

        Cli.Run run = Cli.run("savepoint", "--store", tree.checkpoints().toLocalPath().toString(), "--jobmanager", jm.url(), "--poll-interval", "20ms",
                "--savepoints", base.resolve("savepoints").toString(), "--target", savepoint.toString());

        // Refused by its name (a savepoint directory) before the request learns which snapshot it promotes.
        BadInputTest.assertOneLineError(run, ExitCodes.USAGE, "the target " + LocalFiles.uriOf(savepoint) + " must not be");
        assertThat(fingerprint(base.resolve("checkpoints"))).isEqualTo(before);
        assertThat(fingerprint(savepoint)).isEqualTo(savepointBefore);
    }

    @Test
    void anotherJobsCheckpointIsNotATarget() throws Exception {
        CheckpointTree tree = CheckpointTree.inDirectory(base).standard();
        Path other = tree.checkpoint(OTHER_JOB, 5, 2).toLocalPath();
        Map<String, String> before = fingerprint(base);

        Cli.Run run = Cli.run("promote", "--store", base.toString(), "--job-id", JOB, "--target", other.toString());

        BadInputTest.assertOneLineError(run, ExitCodes.USAGE, "must not lie inside the job directory "
                + LocalFiles.uriOf(tree.jobDir(OTHER_JOB).toLocalPath()));
        assertThat(fingerprint(base)).isEqualTo(before);
    }

    @Test
    void aTargetFromTheEnvironmentThatReadsAsAUriIsBadInput() throws Exception {
        CheckpointTree.inDirectory(base).standard();
        Map<String, String> before = fingerprint(base);

        Cli.Run run = Cli.run(Map.of("LASTSTATE_TARGET", "::::"), "promote", "--store", base.toString());

        BadInputTest.assertOneLineError(run, ExitCodes.USAGE, "write ./:::: if a local name was meant");
        assertThat(fingerprint(base)).isEqualTo(before);
        assertThat(Path.of("::::")).doesNotExist();
    }
}
