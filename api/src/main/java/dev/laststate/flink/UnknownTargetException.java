package dev.laststate.flink;

import dev.laststate.store.StoreUri;

/**
 * Nothing was found to promote (or to show, resolve, verify), and laststate knows nothing at the target either:
 * it holds neither a pointer record nor the marker of {@code laststate init}. On an object store a mistyped
 * prefix and the empty prefix of a new job look the same, so this is never taken for a first deployment: a new
 * job is declared once with {@link ManagedTargets#init}, after which the same situation is a
 * {@link NothingToPromoteException}.
 */
public final class UnknownTargetException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient StoreUri target;

    public UnknownTargetException(StoreUri target, String message) {
        super(message);
        this.target = target;
    }

    /** The target laststate knows nothing about. */
    public StoreUri target() {
        return target;
    }
}
