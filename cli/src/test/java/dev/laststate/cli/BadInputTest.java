package dev.laststate.cli;

import static dev.laststate.cli.LocalFiles.fingerprint;
import static dev.laststate.cli.LocalFiles.uriOf;
import static dev.laststate.tck.CheckpointTree.JOB;
import static org.assertj.core.api.Assertions.assertThat;

import dev.laststate.tck.CheckpointTree;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every bad input: its exit code, exactly one line on stderr without a stack trace, and storage untouched. */
class BadInputTest {

    /** Stands for the temporary checkpoint directory in the argument lists below. */
    private static final String STORE = "<store>";

    @TempDir
    Path dir;

    static Stream<Arguments> badInputs() {
        return Stream.of(
                bad("no --store", 2, "Missing required option: '--store", "promote"),
                bad("blank --store", 2, "Missing required option: '--store", "promote", "--store", " "),
                bad("s3 URI without //", 2, "invalid location 's3:/nobucket'", "promote", "--store", "s3:/nobucket"),
                bad("file URI with a host", 2, "file URIs name no host", "promote", "--store", "file://host/x"),
                bad("'..' in a URI", 2, "'..'", "promote", "--store", "file:///tmp/a/../b"),
                bad("unknown scheme", 2, "no store for the scheme 'foo'", "promote", "--store", "foo://bucket/x"),
                bad("target in another store", 2, "no store for the scheme 'foo'", "promote", "--store", STORE,
                        "--target", "foo://bucket/x"),
                bad("savepoints in another store", 2, "no store for the scheme 'foo'", "list", "--store", STORE,
                        "--savepoints", "foo://bucket/x"),
                bad("short job id", 2, "invalid job id '123'", "promote", "--store", STORE, "--job-id", "123"),
                bad("upper-case job id", 2, "invalid job id", "promote", "--store", STORE, "--job-id", JOB.toUpperCase()),
                bad("job id of list", 2, "invalid job id", "list", "--store", STORE, "--job-id", "xyz"),
                bad("--output yaml", 2, "'yaml'", "promote", "--store", STORE, "--output", "yaml"),
                bad("--mode move", 2, "'move'", "promote", "--store", STORE, "--mode", "move"),
                bad("--copy-concurrency 0", 2, "copy concurrency", "promote", "--store", STORE, "--copy-concurrency", "0"),
                bad("--copy-concurrency x", 2, "'x'", "promote", "--store", STORE, "--copy-concurrency", "x"),
                bad("--stale-run-grace 0", 2, "--stale-run-grace 0 is not a positive duration", "promote", "--store", STORE,
                        "--stale-run-grace", "0"),
                bad("unknown file option", 2, "file.nope", "promote", "--store", STORE, "-o", "file.nope=1"),
                bad("option of no store", 2, "zzz.x", "promote", "--store", STORE, "-o", "zzz.x=1"),
                bad("option without a namespace", 2, "not of the form", "status", "--store", STORE, "-o", "endpoint=x"),
                bad("option without =", 2, "KEY=VALUE", "promote", "--store", STORE, "-o", "file.x"),
                bad("unknown flag", 2, "Unknown option: '--frobnicate'", "promote", "--store", STORE, "--frobnicate"),
                bad("unknown command", 2, "unknown command 'xyzzy'", "xyzzy", "--store", STORE),
                bad("no command", 2, "missing command"),
                bad("target inside the job directory", 2, "must not lie inside the job directory", "promote",
                        "--store", STORE, "--target", STORE + "/" + JOB + "/x"),
                bad("target is the checkpoint directory", 2, "must not be the checkpoint directory", "promote",
                        "--store", STORE, "--target", STORE),
                bad("target in another job's checkpoint", 2, "must not lie inside the job directory", "promote",
                        "--store", STORE, "--target", STORE + "/" + CheckpointTree.OTHER_JOB + "/chk-5"),
                bad("target named like a checkpoint", 2, "checkpoint or savepoint directory ('chk-5')", "promote",
                        "--store", STORE, "--target", STORE + "/restore/chk-5"),
                bad("target named like a savepoint", 2, "('savepoint-0f1e2d-00000000000c')", "promote",
                        "--store", STORE, "--target", STORE + "/savepoints/savepoint-0f1e2d-00000000000c/x"),
                bad("target that reads as a URI", 2, "write ./:::: if a local name was meant", "promote",
                        "--store", STORE, "--target", "::::"),
                bad("store that reads as a URI", 2, "write ./:x if a local name was meant", "list", "--store", ":x"),
                bad("bad request for a named job, checked before the store", 2, "copy concurrency", "promote",
                        "--store", STORE + "/missing", "--job-id", JOB, "--copy-concurrency", "300"),
                // A missing local directory, a file and a job directory can never be a checkpoint directory: bad input.
                bad("missing directory", 2, "missing does not exist", "promote", "--store", STORE + "/missing"),
                bad("missing directory, named job", 2, "missing does not exist", "promote", "--store",
                        STORE + "/missing", "--job-id", JOB),
                bad("list of a missing directory", 2, "missing does not exist", "list", "--store", STORE + "/missing"),
                bad("status of a missing directory", 2, "missing does not exist", "status", "--store", STORE + "/missing"),
                bad("resolve of a missing directory", 2, "missing does not exist", "resolve", "--store", STORE + "/missing"),
                bad("verify of a missing directory", 2, "missing does not exist", "verify", "--store", STORE + "/missing"),
                bad("a file as --store", 2, "_metadata is a file, not a checkpoint directory", "promote",
                        "--store", STORE + "/" + JOB + "/chk-12/_metadata"),
                bad("the job directory as --store", 2, "is a job directory (its name is a job id)", "promote",
                        "--store", STORE + "/" + JOB),
                bad("the job directory as --store of resolve", 2, "give its parent", "resolve",
                        "--store", STORE + "/" + JOB),
                bad("a renamed job directory as --store", 2, "is a job directory (it holds chk-", "promote",
                        "--store", STORE + "/renamed-job"),
                // Nothing found at a target laststate does not manage: exit 8, never "nothing yet".
                bad("job without checkpoints", 8, "has no complete checkpoint", "promote", "--store", STORE,
                        "--job-id", CheckpointTree.OTHER_JOB),
                bad("status, nothing promoted", 8, "nothing has been promoted", "status", "--store", STORE),
                bad("resolve, nothing promoted", 8, "nothing has been promoted", "resolve", "--store", STORE));
    }

    private static Arguments bad(String name, int exitCode, String message, String... args) {
        return Arguments.of(Named.of(name, List.of(args)), exitCode, message);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInputs")
    void exitsWithOneLineAndChangesNothing(List<String> args, int exitCode, String message) throws Exception {
        CheckpointTree.inDirectory(dir).standard();
        // A job directory under another name: it holds chk-<n> directories.
        LocalFiles.write(dir.resolve("renamed-job").resolve("chk-3").resolve("state"), new byte[] {1});
        Map<String, String> before = fingerprint(dir);

        Cli.Run run = Cli.run(withStore(args));

        assertOneLineError(run, exitCode, message);
        assertThat(fingerprint(dir)).isEqualTo(before);
    }

    @Test
    void aJobWithoutCompleteCheckpointsExitsEightUntilInitializedThenThree() throws Exception {
        CheckpointTree tree = CheckpointTree.inDirectory(dir);
        tree.incompleteCheckpoint(JOB, 1, 2);
        tree.incompleteCheckpoint(JOB, 2, 2);
        Map<String, String> before = fingerprint(dir);

        Cli.Run unknown = Cli.run("promote", "--store", dir.toString());

        assertOneLineError(unknown, ExitCodes.UNKNOWN_TARGET, "holds a complete checkpoint");
        assertThat(unknown.err()).contains("laststate manages nothing at " + uriOf(dir.resolve("last-state")));
        assertThat(fingerprint(dir)).isEqualTo(before);

        Cli.succeeds("init", "--store", dir.toString());
        Cli.Run initialized = Cli.run("promote", "--store", dir.toString());

        assertOneLineError(initialized, ExitCodes.NOTHING_TO_PROMOTE, "holds a complete checkpoint");
        assertThat(initialized.err()).contains("initialized for a new job");
    }

    @Test
    void aCorruptRecordIsNeverOverwritten() throws Exception {
        CheckpointTree tree = CheckpointTree.inDirectory(dir).standard();
        LocalFiles.write(tree.lastState().toLocalPath().resolve("_laststate.json"), "garbage".getBytes());
        Map<String, String> before = fingerprint(dir);

        Cli.Run run = Cli.run("promote", "--store", dir.toString());

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.REFUSED);
        assertThat(run.outLines()).singleElement().asString().startsWith("REFUSED checkpoint 12");
        assertThat(run.errLines()).singleElement().asString().startsWith("laststate: refused: ");
        assertThat(fingerprint(dir)).isEqualTo(before);
    }

    @Test
    void secretOptionValuesAreNeverEchoed() throws Exception {
        CheckpointTree.inDirectory(dir).standard();
        String secret = "hunter2-very-secret";
        List<List<String>> variants = List.of(
                List.of("-o", "file.secret-key=" + secret),
                List.of("-ofile.access-token=" + secret),
                List.of("--option=file.password=" + secret, "--verbose"),
                List.of("--option", "zzz.credentials=" + secret, "--verbose"),
                List.of("-o", "s3.secret-access-key=" + secret, "--output", "yaml"));
        for (List<String> options : variants) {
            List<String> args = new ArrayList<>(List.of("promote", "--store", dir.toString()));
            args.addAll(options);

            Cli.Run run = Cli.run(args.toArray(String[]::new));

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.USAGE);
            assertThat(run.out() + run.err()).as(run.toString()).doesNotContain(secret);
        }
    }

    @Test
    void verbosePrintsTheStackTrace() {
        Cli.Run run = Cli.run("promote", "--store", "s3:/nobucket", "--verbose");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.errLines().get(0)).startsWith("laststate: invalid location");
        assertThat(run.err()).contains("at dev.laststate.");
    }

    private String[] withStore(List<String> args) {
        return args.stream().map(a -> a.replace(STORE, dir.toString())).toArray(String[]::new);
    }

    static void assertOneLineError(Cli.Run run, int exitCode, String message) {
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(exitCode);
        assertThat(run.out()).as(run.toString()).isEmpty();
        assertThat(run.errLines()).as(run.toString()).singleElement().asString()
                .startsWith("laststate: ")
                .contains(message)
                .doesNotContain("at dev.")
                .doesNotContain("Exception");
    }
}
