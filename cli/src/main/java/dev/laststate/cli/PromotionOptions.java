package dev.laststate.cli;

import dev.laststate.flink.Promoter;
import dev.laststate.flink.PromotionRequest;
import dev.laststate.store.CheckpointStore;
import dev.laststate.verify.FlinkSnapshotRelocator;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The guard and copy flags of every command that promotes ({@code promote}, {@code savepoint}). */
final class PromotionOptions {

    @Option(names = "--force", defaultValue = "${env:LASTSTATE_FORCE:-false}",
            description = "Promote even an older snapshot, over an unreadable pointer record or a target laststate did not write. Env: LASTSTATE_FORCE.")
    private boolean force;

    @Option(names = "--allow-fresh-start", defaultValue = "${env:LASTSTATE_ALLOW_FRESH_START:-false}",
            description = "Promote a job that started without state over existing state. Env: LASTSTATE_ALLOW_FRESH_START.")
    private boolean allowFreshStart;

    @Option(names = "--copy-concurrency", paramLabel = "N", defaultValue = "${env:LASTSTATE_COPY_CONCURRENCY:-8}",
            description = "Objects copied at once, 1 to 256 (default 8). Env: LASTSTATE_COPY_CONCURRENCY.")
    private int copyConcurrency = 8;

    @Option(names = "--stale-run-grace", paramLabel = "DURATION", defaultValue = "${env:LASTSTATE_STALE_RUN_GRACE:-1h}",
            description = "How long a promotion's pending record protects its copies: the copies of a run that died are "
                    + "removed once it is older, and a run copying for longer than half of it gives up before its commit "
                    + "(default 1h; give every promoter of a target the same). Env: LASTSTATE_STALE_RUN_GRACE.")
    private String staleRunGrace = "1h";

    @Option(names = "--relocate", negatable = true, defaultValue = "${env:LASTSTATE_RELOCATE:-true}", fallbackValue = "true",
            description = "Make the promoted state self-contained (the default): copy every file its _metadata references, "
                    + "shared/ files included, into the target and commit a _metadata that points there, so it restores after "
                    + "Flink deleted the originals. --no-relocate copies the snapshot directory as it is. Env: LASTSTATE_RELOCATE.")
    private boolean relocate = true;

    @Spec(Spec.Target.MIXEE)
    private CommandSpec command;

    /** {@code request} with these flags. */
    PromotionRequest applyTo(PromotionRequest request) {
        return request.toBuilder().force(force).allowFreshStart(allowFreshStart).copyConcurrency(copyConcurrency).build();
    }

    /** Whether promotions are relocated (self-contained), as they are unless {@code --no-relocate}. */
    boolean relocates() {
        return relocate;
    }

    /** The promoter of {@code store} with these flags. */
    Promoter promoter(CheckpointStore store) {
        Duration grace = JobManagerOptions.parseDuration(staleRunGrace).orElseThrow(() -> new ParameterException(
                command.commandLine(), EnvironmentDefaults.given(command, "--stale-run-grace", staleRunGrace)
                        + " is not a positive duration such as 30m or 2h"));
        Promoter promoter = new Promoter(store, Clock.systemUTC(), grace, Optional.empty());
        return relocate ? promoter.withRelocator(new FlinkSnapshotRelocator()) : promoter;
    }
}
