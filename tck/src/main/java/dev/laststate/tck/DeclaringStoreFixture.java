package dev.laststate.tck;

import dev.laststate.store.Capability;
import dev.laststate.store.CheckpointStore;
import dev.laststate.store.StoreUri;
import java.util.EnumMap;
import java.util.Map;

/** A fixture with more narrowed capabilities or emulator gaps than the one it wraps; see {@link StoreFixture#narrowing}. */
final class DeclaringStoreFixture implements StoreFixture {

    private final StoreFixture base;
    private final Map<Capability, String> narrowed;
    private final Map<EmulatorGap, String> gaps;

    DeclaringStoreFixture(StoreFixture base, Map<Capability, String> narrowed, Map<EmulatorGap, String> gaps) {
        this.base = base;
        this.narrowed = merged(Capability.class, base.narrowedCapabilities(), narrowed);
        this.gaps = merged(EmulatorGap.class, base.emulatorGaps(), gaps);
    }

    private static <K extends Enum<K>> Map<K, String> merged(Class<K> type, Map<K, String> first, Map<K, String> second) {
        Map<K, String> all = new EnumMap<>(type);
        all.putAll(first);
        all.putAll(second);
        return Map.copyOf(all);
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
    public void close() throws Exception {
        base.close();
    }
}
