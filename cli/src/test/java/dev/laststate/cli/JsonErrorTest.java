package dev.laststate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** With {@code --output json} a failure is one JSON object on stdout, and still one line on stderr. */
class JsonErrorTest {

    @TempDir
    Path dir;

    @Test
    void aUsageErrorIsOneObject() {
        Cli.Run run = Cli.run("promote", "--store", dir.toString(), "--output", "json", "--no-such-flag");

        JsonNode error = assertOneJsonError(run, ExitCodes.USAGE, "USAGE");
        assertThat(error.get("message").asText()).contains("--no-such-flag");
    }

    @Test
    void aUsageErrorBeforeTheOutputFlagIsOneObjectToo() {
        // Parsing stops at the bad flag, before it reads --output.
        Cli.Run run = Cli.run("promote", "--no-such-flag", "--store", dir.toString(), "--output=JSON");

        assertOneJsonError(run, ExitCodes.USAGE, "USAGE");
    }

    @Test
    void aBadValueIsOneObjectWithTheOutputOfTheEnvironment() {
        Cli.Run run = Cli.run(Map.of("LASTSTATE_OUTPUT", "json"), "promote", "--store", dir.toString(), "--job-id", "nothex");

        assertOneJsonError(run, ExitCodes.USAGE, "USAGE");
    }

    @Test
    void aStoreFailureIsOneObject() throws IOException {
        int deadPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            deadPort = socket.getLocalPort();
        }
        Map<String, String> env = Map.of("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE", "AWS_SECRET_ACCESS_KEY", "example-secret",
                "AWS_REGION", "us-east-1", "AWS_MAX_ATTEMPTS", "1");

        Cli.Run run = Cli.run(env, "list", "--store", "s3://bucket/flink", "-o", "s3.endpoint=http://127.0.0.1:" + deadPort,
                "--output", "json");

        assertOneJsonError(run, ExitCodes.STORE_FAILURE, "STORE_FAILURE");
    }

    @ParameterizedTest
    @ValueSource(strings = {"promote", "list", "status", "verify"})
    void nothingToPromoteIsOneObject(String command) throws IOException {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        Cli.succeeds("init", "--store", empty.toString());

        Cli.Run run = Cli.run(command, "--store", empty.toString(), "--output", "json");

        assertOneJsonError(run, ExitCodes.NOTHING_TO_PROMOTE, "NOTHING_TO_PROMOTE");
    }

    @ParameterizedTest
    @ValueSource(strings = {"promote", "list", "status", "verify"})
    void nothingAtATargetLaststateDoesNotKnowIsOneObject(String command) throws IOException {
        Path empty = Files.createDirectories(dir.resolve("empty"));

        Cli.Run run = Cli.run(command, "--store", empty.toString(), "--output", "json");

        assertOneJsonError(run, ExitCodes.UNKNOWN_TARGET, "UNKNOWN_TARGET");
    }

    @Test
    void aCorruptPointerRecordIsOneObject() throws Exception {
        dev.laststate.tck.CheckpointTree tree = dev.laststate.tck.CheckpointTree.inDirectory(dir).standard();
        Cli.succeeds("promote", "--store", dir.toString());
        Files.writeString(tree.lastState().toLocalPath().resolve("_laststate.json"), "garbage");

        Cli.Run run = Cli.run("status", "--store", dir.toString(), "--output", "json");

        assertOneJsonError(run, ExitCodes.REFUSED, "REFUSED");
    }

    @Test
    void verboseAddsTheTraceToStderrOnly() {
        Cli.Run run = Cli.run("promote", "--store", "s3:/nobucket", "--output", "json", "--verbose");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(objects(run.out())).singleElement().satisfies(error -> assertThat(error.get("exitCode").asInt()).isEqualTo(2));
        assertThat(run.errLines().get(0)).startsWith("laststate: ");
        assertThat(run.err()).contains("at dev.laststate.");
    }

    @Test
    void aCommandWithoutOutputFailsInText() {
        // resolve prints a bare path; a script reading it gets nothing on stdout, never an object.
        Cli.Run run = Cli.run(Map.of("LASTSTATE_OUTPUT", "json"), "resolve", "--store", dir.toString());

        BadInputTest.assertOneLineError(run, ExitCodes.UNKNOWN_TARGET, "");
    }

    @Test
    void textFailuresPrintNothingOnStdout() {
        Cli.Run run = Cli.run("promote", "--store", dir.toString(), "--no-such-flag");

        BadInputTest.assertOneLineError(run, ExitCodes.USAGE, "--no-such-flag");
    }

    /** Exactly one object on stdout whose exitCode is the process's, and the same message on one stderr line. */
    static JsonNode assertOneJsonError(Cli.Run run, int exitCode, String kind) {
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(exitCode);
        List<JsonNode> objects = objects(run.out());
        assertThat(objects).as(run.toString()).hasSize(1);
        assertThat(run.outLines()).as(run.toString()).hasSize(1);
        JsonNode error = objects.get(0);
        assertThat(error.isObject()).isTrue();
        assertThat(error.get("exitCode").asInt()).isEqualTo(run.exitCode());
        assertThat(error.get("error").asText()).isEqualTo(kind);
        assertThat(run.errLines()).as(run.toString()).singleElement()
                .isEqualTo("laststate: " + error.get("message").asText());
        return error;
    }

    private static List<JsonNode> objects(String out) {
        List<JsonNode> objects = new ArrayList<>();
        try (MappingIterator<JsonNode> values = new ObjectMapper().readerFor(JsonNode.class).readValues(out)) {
            values.forEachRemaining(objects::add);
        } catch (IOException | RuntimeException e) {
            throw new AssertionError("stdout is not JSON: " + out, e);
        }
        return objects;
    }
}
