package dev.laststate.flink;

import dev.laststate.store.CheckpointStore;
import dev.laststate.store.ObjectContent;
import dev.laststate.store.ObjectInfo;
import dev.laststate.store.StoreException;
import dev.laststate.store.StoreNotFoundException;
import dev.laststate.store.StoreUri;
import java.util.Optional;

/** Reads what a promotion target holds, for {@code status} and {@code resolve}. */
public final class LastStateReader {

    /** A pointer record is small; anything larger is not one. */
    static final long MAX_RECORD_BYTES = 16L * 1024 * 1024;

    private final CheckpointStore store;

    public LastStateReader(CheckpointStore store) {
        this.store = store;
    }

    /**
     * The target's state, or empty when nothing was ever promoted there.
     *
     * @throws CorruptPointerRecordException when the record exists but cannot be read
     */
    public Optional<LastState> read(StoreUri target) throws StoreException, CorruptPointerRecordException {
        Optional<ObjectInfo> metadata = store.stat(target.resolve(FlinkLayout.METADATA));
        Optional<ObjectContent> content = readRecord(target);
        if (content.isEmpty()) {
            return Optional.empty();
        }
        PointerRecord record = parse(content.get());
        return Optional.of(new LastState(target, record, content.get().info(), metadata));
    }

    Optional<ObjectContent> readRecord(StoreUri target) throws StoreException {
        try {
            return Optional.of(store.read(target.resolve(FlinkLayout.POINTER_RECORD), MAX_RECORD_BYTES + 1));
        } catch (StoreNotFoundException absent) {
            return Optional.empty();
        }
    }

    static PointerRecord parse(ObjectContent content) throws CorruptPointerRecordException {
        if (content.info().size() > MAX_RECORD_BYTES) {
            throw new CorruptPointerRecordException(content.info().uri(), "it is " + content.info().size()
                    + " bytes, larger than any pointer record", null);
        }
        return PointerRecord.parse(content.info().uri(), content.bytes());
    }
}
