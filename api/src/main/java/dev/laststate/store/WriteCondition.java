package dev.laststate.store;

import java.util.Objects;
import java.util.Optional;

/** When a write may take effect. The check and the write are one atomic step on the server. */
public record WriteCondition(Kind kind, Optional<String> expectedVersion) {

    public enum Kind {
        /** Always: create or replace. */
        OVERWRITE,
        /** Only if no object exists at the location. */
        IF_ABSENT,
        /** Only if the object exists with exactly this version. */
        IF_VERSION_MATCHES
    }

    public WriteCondition {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(expectedVersion, "expectedVersion");
        if ((kind == Kind.IF_VERSION_MATCHES) != expectedVersion.isPresent()) {
            throw new IllegalArgumentException("a version is expected exactly for IF_VERSION_MATCHES");
        }
    }

    public static WriteCondition overwrite() {
        return new WriteCondition(Kind.OVERWRITE, Optional.empty());
    }

    public static WriteCondition ifAbsent() {
        return new WriteCondition(Kind.IF_ABSENT, Optional.empty());
    }

    public static WriteCondition ifVersionMatches(String version) {
        return new WriteCondition(Kind.IF_VERSION_MATCHES, Optional.of(version));
    }

    /** IF_ABSENT when nothing was observed, IF_VERSION_MATCHES with the observed version otherwise. */
    public static WriteCondition unchangedSince(Optional<ObjectInfo> observed) {
        return observed.map(o -> ifVersionMatches(o.version())).orElseGet(WriteCondition::ifAbsent);
    }

    /** The capability a store needs for this condition, if any. */
    public Optional<Capability> requiredCapability() {
        return switch (kind) {
            case OVERWRITE -> Optional.empty();
            case IF_ABSENT -> Optional.of(Capability.CONDITIONAL_CREATE);
            case IF_VERSION_MATCHES -> Optional.of(Capability.CONDITIONAL_REPLACE);
        };
    }
}
