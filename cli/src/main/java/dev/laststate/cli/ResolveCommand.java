package dev.laststate.cli;

import dev.laststate.flink.FlinkLayout;
import dev.laststate.flink.LastState;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

@Command(name = "resolve", sortOptions = false,
        description = "Print the one path to pass to Flink's --fromSavepoint: the target (copy mode) or the "
                + "promoted snapshot's own directory (pointer mode).")
final class ResolveCommand extends StoreCommand {

    @Mixin
    private TargetOption target;

    @Mixin
    private NothingOption nothing;

    @Option(names = "--output-file", paramLabel = "PATH", defaultValue = "${env:LASTSTATE_OUTPUT_FILE}",
            description = "Also write the path, with a line break, to this local file (replaced whole); at an initialized "
                    + "target with nothing promoted yet (exit 3), an empty file. For an init container that hands the "
                    + "restore path to Flink's container through a shared volume. Env: LASTSTATE_OUTPUT_FILE.")
    private String outputFile;

    @Override
    public Integer call() throws Exception {
        Optional<Path> file = outputFile();
        LastState state;
        try {
            state = target.read(store);
        } catch (Exception e) {
            // Nothing promoted yet at a managed target: the job starts without a restore path, so the file is empty.
            if (file.isPresent() && ExitCodes.of(e) == ExitCodes.NOTHING_TO_PROMOTE) {
                write(file.get(), "");
            }
            throw e;
        }
        PrintWriter err = err();
        if (!state.consistent()) {
            // Still the right answer (the record names what was committed), but worth a line in the deployment's log.
            err.println("laststate: warning: " + state.target().resolve(FlinkLayout.POINTER_RECORD) + " does not describe "
                    + state.target().resolve(FlinkLayout.METADATA) + " (a promotion is running or was interrupted)");
            err.flush();
        }
        if (file.isPresent()) {
            write(file.get(), state.restorePath() + "\n");
        }
        PrintWriter out = out();
        out.println(state.restorePath());
        out.flush();
        // Measured: a job restored with claim mode CLAIM deletes the restored directory once newer checkpoints subsume it.
        err.println("laststate: note: restore with Flink's default claim mode NO_CLAIM; CLAIM lets Flink delete "
                + state.restorePath());
        err.flush();
        return ExitCodes.OK;
    }

    /** {@code --output-file}, checked before the store is opened: its directory must exist. */
    private Optional<Path> outputFile() {
        if (outputFile == null || outputFile.isBlank()) {
            return Optional.empty();
        }
        Path file = Path.of(outputFile).toAbsolutePath();
        if (!Files.isDirectory(file.getParent()) || Files.isDirectory(file)) {
            throw new ParameterException(spec.commandLine(), EnvironmentDefaults.given(spec, "--output-file", outputFile)
                    + (Files.isDirectory(file) ? " is a directory" : " lies in a directory that does not exist"));
        }
        return Optional.of(file);
    }

    /**
     * Writes beside and renames over, so a reader (Flink's container) never sees half a path; readable by all, since
     * Flink's container runs as another user.
     */
    private static void write(Path file, String content) throws IOException {
        Path written = Files.createTempFile(file.getParent(), "." + file.getFileName() + ".", ".tmp");
        try {
            Files.writeString(written, content, StandardCharsets.UTF_8);
            if (Files.getFileStore(written).supportsFileAttributeView(PosixFileAttributeView.class)) {
                Files.setPosixFilePermissions(written, PosixFilePermissions.fromString("rw-r--r--"));
            }
            Files.move(written, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(written);
        }
    }
}
