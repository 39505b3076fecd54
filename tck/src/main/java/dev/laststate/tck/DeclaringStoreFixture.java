package dev.laststate.tck;

import dev.laststate.store.Capability;
import dev.laststate.store.CheckpointStore;
import dev.laststate.store.StoreUri;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * A fixture with more declared than the one it wraps: narrowed capabilities, emulator gaps, a missing
 * container, a way to plant unrepresentable names, another container. Immutable: each {@code with} returns a new one. See
 * {@link StoreFixture#narrowing}.
 */
final class DeclaringStoreFixture implements StoreFixture {

    private final StoreFixture base;
    private final Map<Capability, String> narrowed;
    private final Map<EmulatorGap, String> gaps;
    private final Optional<StoreUri> missingContainer;
    private final Optional<UnrepresentableNames> unrepresentableNames;
    private final Optional<StoreUri> otherContainer;

    private DeclaringStoreFixture(StoreFixture base, Map<Capability, String> narrowed, Map<EmulatorGap, String> gaps,
                                  Optional<StoreUri> missingContainer, Optional<UnrepresentableNames> unrepresentableNames,
                                  Optional<StoreUri> otherContainer) {
        this.base = base;
        this.narrowed = Map.copyOf(narrowed);
        this.gaps = Map.copyOf(gaps);
        this.missingContainer = missingContainer;
        this.unrepresentableNames = unrepresentableNames;
        this.otherContainer = otherContainer;
    }

    /** {@code fixture} itself when it already declares, else a wrapper declaring what it does. */
    static DeclaringStoreFixture of(StoreFixture fixture) {
        if (fixture instanceof DeclaringStoreFixture declaring) {
            return declaring;
        }
        return new DeclaringStoreFixture(fixture, fixture.narrowedCapabilities(), fixture.emulatorGaps(),
                fixture.missingContainer(), fixture.unrepresentableNames(), fixture.otherContainer());
    }

    private static <K extends Enum<K>> Map<K, String> merged(Class<K> type, Map<K, String> first, Map<K, String> second) {
        Map<K, String> all = new EnumMap<>(type);
        all.putAll(first);
        all.putAll(second);
        return all;
    }

    @Override
    public StoreFixture narrowing(Map<Capability, String> more) {
        return new DeclaringStoreFixture(base, merged(Capability.class, narrowed, more), gaps, missingContainer, unrepresentableNames, otherContainer);
    }

    @Override
    public StoreFixture withEmulatorGaps(Map<EmulatorGap, String> more) {
        return new DeclaringStoreFixture(base, narrowed, merged(EmulatorGap.class, gaps, more), missingContainer, unrepresentableNames, otherContainer);
    }

    @Override
    public StoreFixture withMissingContainer(StoreUri location) {
        return new DeclaringStoreFixture(base, narrowed, gaps, Optional.of(location), unrepresentableNames, otherContainer);
    }

    @Override
    public StoreFixture withUnrepresentableNames(UnrepresentableNames names) {
        return new DeclaringStoreFixture(base, narrowed, gaps, missingContainer, Optional.of(names), otherContainer);
    }

    @Override
    public StoreFixture withOtherContainer(StoreUri directory) {
        return new DeclaringStoreFixture(base, narrowed, gaps, missingContainer, unrepresentableNames, Optional.of(directory));
    }

    @Override
    public CheckpointStore store() {
        return base.store();
    }

    @Override
    public StoreUri freshRoot() throws Exception {
        return base.freshRoot();
    }

    @Override
    public Map<Capability, String> narrowedCapabilities() {
        return narrowed;
    }

    @Override
    public Map<EmulatorGap, String> emulatorGaps() {
        return gaps;
    }

    @Override
    public Optional<StoreUri> missingContainer() {
        return missingContainer;
    }

    @Override
    public Optional<UnrepresentableNames> unrepresentableNames() {
        return unrepresentableNames;
    }

    @Override
    public Optional<StoreUri> otherContainer() {
        return otherContainer;
    }

    @Override
    public void close() throws Exception {
        base.close();
    }
}
