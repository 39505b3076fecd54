package dev.laststate.cli;

import static dev.laststate.cli.LocalFiles.fingerprint;
import static dev.laststate.cli.LocalFiles.location;
import static dev.laststate.cli.LocalFiles.uriOf;
import static dev.laststate.tck.CheckpointTree.JOB;
import static dev.laststate.tck.CheckpointTree.OTHER_JOB;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.laststate.tck.CheckpointTree;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine;

/** Every flag also reads LASTSTATE_<FLAG>, from the environment given to {@link LastStateCommand#run}. */
class EnvironmentTest {

    @TempDir
    Path dir;

    @Test
    void storeFromTheEnvironment() throws Exception {
        CheckpointTree.inDirectory(dir).standard();

        Cli.Run run = Cli.run(Map.of("LASTSTATE_STORE", dir.toString()), "promote");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).startsWith("PROMOTED checkpoint 12");
    }

    @Test
    void everyPromoteSettingFromTheEnvironment() throws Exception {
        CheckpointTree tree = CheckpointTree.inDirectory(dir.resolve("checkpoints")).standard();
        tree.checkpoint(OTHER_JOB, 50, 2);
        Path savepoints = dir.resolve("savepoints");
        tree.savepoint(location(savepoints), JOB, 30, 2, CheckpointTree.BASE.plusSeconds(7200));
        Path target = dir.resolve("target");
        Map<String, String> env = new HashMap<>();
        env.put("LASTSTATE_STORE", tree.checkpoints().toLocalPath().toString());
        env.put("LASTSTATE_SAVEPOINTS", savepoints.toString());
        env.put("LASTSTATE_TARGET", target.toString());
        env.put("LASTSTATE_JOB_ID", JOB);
        env.put("LASTSTATE_MODE", "pointer");
        env.put("LASTSTATE_OUTPUT", "json");
        env.put("LASTSTATE_FORCE", "true");
        env.put("LASTSTATE_ALLOW_FRESH_START", "true");
        env.put("LASTSTATE_COPY_CONCURRENCY", "2");

        Cli.Run run = Cli.succeeds(env, "promote");

        JsonNode result = run.json();
        assertThat(result.get("status").asText()).isEqualTo("PROMOTED");
        assertThat(result.get("jobId").asText()).isEqualTo(JOB);
        assertThat(result.get("kind").asText()).isEqualTo("SAVEPOINT");
        assertThat(result.get("target").asText()).isEqualTo(uriOf(target));
        assertThat(result.get("filesCopied").asLong()).isZero(); // pointer mode

        Cli.Run resolve = Cli.run(env, "resolve");
        assertThat(resolve.outLines()).singleElement().asString().contains("savepoint-" + JOB.substring(0, 6));
    }

    @Test
    void dryRunFromTheEnvironment() throws Exception {
        CheckpointTree.inDirectory(dir).standard();
        Map<String, String> before = fingerprint(dir);

        Cli.Run run = Cli.run(Map.of("LASTSTATE_STORE", dir.toString(), "LASTSTATE_DRY_RUN", "TRUE"), "promote");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).startsWith("DRY_RUN checkpoint 12");
        assertThat(fingerprint(dir)).isEqualTo(before);
    }

    @Test
    void flagsWinOverTheEnvironment() throws Exception {
        CheckpointTree.inDirectory(dir).standard();
        Map<String, String> env = Map.of("LASTSTATE_STORE", dir.resolve("missing").toString(), "LASTSTATE_OUTPUT", "json");

        Cli.Run run = Cli.succeeds(env, "promote", "--store", dir.toString(), "--output", "text");

        assertThat(run.out()).startsWith("PROMOTED checkpoint 12");
    }

    @Test
    void blankVariablesCountAsUnset() throws Exception {
        CheckpointTree.inDirectory(dir).standard();
        Map<String, String> env = Map.of("LASTSTATE_JOB_ID", "", "LASTSTATE_MODE", " ", "LASTSTATE_TARGET", "");

        Cli.Run run = Cli.succeeds(env, "promote", "--store", dir.toString());
        assertThat(run.out()).startsWith("PROMOTED checkpoint 12");

        BadInputTest.assertOneLineError(Cli.run(Map.of("LASTSTATE_STORE", ""), "status"), ExitCodes.USAGE,
                "Missing required option: '--store");
    }

    @Test
    void aBadValueInTheEnvironmentIsAUsageError() {
        Cli.Run run = Cli.run(Map.of("LASTSTATE_STORE", dir.toString(), "LASTSTATE_DRY_RUN", "yes"), "promote");

        BadInputTest.assertOneLineError(run, ExitCodes.USAGE, "'yes' is not a boolean");
    }

    /** The naming rule, checked on the model: --copy-concurrency reads LASTSTATE_COPY_CONCURRENCY, and so on. */
    @Test
    void everyValueFlagNamesItsVariable() {
        RunContext run = new RunContext(Map.of(), Interruptions.none(new PrintWriter(new StringWriter())));
        CommandLine cli = new CommandLine(new LastStateCommand(), new RunFactory(run));
        cli.setInterpolateVariables(false);
        int checked = 0;
        for (CommandLine command : cli.getSubcommands().values()) {
            for (OptionSpec option : command.getCommandSpec().options()) {
                String name = option.longestName();
                if (option.usageHelp() || option.versionHelp() || name.equals("--verbose") || name.equals("--option")) {
                    continue;
                }
                String variable = "LASTSTATE_" + name.substring(2).toUpperCase(Locale.ROOT).replace('-', '_');
                assertThat(option.defaultValue()).as(command.getCommandName() + " " + name)
                        .matches("\\$\\{env:" + variable + "(:-[^}]*)?}");
                checked++;
            }
        }
        assertThat(checked).isEqualTo(21 + 4 + 3 + 4 + 18 + 3 + 3); // promote, list, status, resolve, savepoint, verify, init
    }
}
