package dev.laststate.cli;

import dev.laststate.flink.FlinkLayout;
import dev.laststate.store.CheckpointStore;
import dev.laststate.store.CheckpointStores;
import dev.laststate.store.StoreException;
import dev.laststate.store.StoreUri;
import dev.laststate.store.file.LocalPaths;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code --store} and {@code -o}, shared by every command: which store, opened how. */
final class StoreOptions {

    @Spec(Spec.Target.MIXEE)
    private CommandSpec command;

    @Option(names = "--store", paramLabel = "URI", defaultValue = "${env:LASTSTATE_STORE}",
            description = "The checkpoint directory (Flink's execution.checkpointing.dir): a path, a file: URI or "
                    + "scheme://bucket/path. Required. Env: LASTSTATE_STORE.")
    private String store;

    @Option(names = {"-o", "--option"}, paramLabel = "KEY=VALUE",
            description = "A store option such as s3.endpoint=http://127.0.0.1:9000; repeatable. Credentials come from "
                    + "the platform's default chain, not from here.")
    private Map<String, String> options = new LinkedHashMap<>();

    private final Map<String, String> environment;

    private CheckpointStores registry;

    StoreOptions(RunContext run) {
        this.environment = run.environment();
    }

    /**
     * The checkpoint directory. Checked here rather than with {@code required = true}, which a default
     * from the environment would always satisfy.
     */
    StoreUri checkpoints() {
        if (store == null || store.isBlank()) {
            throw new ParameterException(command.commandLine(), "Missing required option: '--store=URI' (or LASTSTATE_STORE)");
        }
        StoreUri uri = parseLocation(store);
        registry().provider(uri.scheme()); // an unknown scheme is bad input, found before anything is opened
        return LocalPaths.realPath(uri);
    }

    /**
     * Another directory of this run ({@code --savepoints}, a savepoint the JobManager names), empty when not
     * given, with the symbolic links of a local one resolved. One store instance serves the whole run, so it
     * must belong to the provider of {@code --store}.
     */
    Optional<StoreUri> location(String value, String flag, StoreUri checkpoints) {
        return parse(value, flag, checkpoints).map(LocalPaths::realPath);
    }

    /**
     * The target: {@code --target}, which must be in the store of {@code --store}, or {@code <store>/last-state}.
     * Like {@link #location} but with only its parent's links resolved: a target that is itself a symbolic link
     * is refused by the store, never followed to wherever it points.
     */
    StoreUri target(String value, StoreUri checkpoints) {
        return parse(value, "--target", checkpoints).map(LocalPaths::realParent)
                .orElse(checkpoints.resolve(FlinkLayout.DEFAULT_TARGET));
    }

    /**
     * The target of a promotion, which may lie in another store ({@code --target} in another bucket, cloud or file
     * system), or {@code <store>/last-state}; a local one with its parent's links resolved, as {@link #target}.
     */
    StoreUri targetAnywhere(String value, StoreUri checkpoints) {
        if (value == null) {
            return checkpoints.resolve(FlinkLayout.DEFAULT_TARGET);
        }
        StoreUri uri = parseLocation(value);
        registry().provider(uri.scheme()); // an unknown scheme is bad input, found before anything is opened
        return LocalPaths.realParent(uri);
    }

    /** Whether one store instance serves both: the same provider and the same container (bucket, account, NameNode). */
    boolean sameStore(StoreUri a, StoreUri b) {
        return registry().provider(a.scheme()) == registry().provider(b.scheme()) && a.authority().equals(b.authority());
    }

    private Optional<StoreUri> parse(String value, String flag, StoreUri checkpoints) {
        if (value == null) {
            return Optional.empty();
        }
        StoreUri uri = parseLocation(value);
        if (registry().provider(uri.scheme()) != registry().provider(checkpoints.scheme())) {
            throw new ParameterException(command.commandLine(), flag + " " + uri + " is not in the store of --store "
                    + checkpoints + ": one run reads and writes one store");
        }
        return Optional.of(uri);
    }

    /**
     * A location as {@link StoreUri#parse} reads it, but a bare local path first has its {@code .} and {@code ..}
     * segments resolved against the working directory, lexically as a shell does ({@code ../x}, {@code ./a/../b});
     * URIs are taken literally and refuse them.
     */
    static StoreUri parseLocation(String value) {
        int colon = value.indexOf(':');
        int slash = value.indexOf('/');
        boolean uri = colon > 0 && (slash < 0 || colon < slash);
        if (!uri && Arrays.asList(value.split("/")).contains("..")) {
            try {
                return StoreUri.parse(Path.of(value).toAbsolutePath().normalize().toString());
            } catch (InvalidPathException e) {
                return StoreUri.parse(value); // its own message says what is wrong with it
            }
        }
        return StoreUri.parse(value);
    }

    /**
     * Opens the store of {@code checkpoints} with the {@code -o} options and this run's environment (the
     * process's, or a test's); the caller closes it.
     */
    CheckpointStore open(StoreUri checkpoints) throws StoreException {
        return registry().open(checkpoints, options, environment);
    }

    /** Whether {@code --store} (or LASTSTATE_STORE) was given. */
    boolean given() {
        return store != null && !store.isBlank();
    }

    private CheckpointStores registry() {
        if (registry == null) {
            registry = CheckpointStores.load();
        }
        return registry;
    }
}
