package dev.laststate.store.atomic;

import dev.laststate.store.Listing;
import dev.laststate.store.ObjectInfo;
import dev.laststate.store.ReservedNames;
import dev.laststate.store.StoreException;
import dev.laststate.store.StoreUri;
import java.util.ArrayList;
import java.util.List;

/**
 * Sorts the entries of one directory into a {@link Listing} as a store that keeps its own files beside the
 * objects does: its lock and temporary files are left out; any other reserved name, a symbolic link, a name no
 * location can hold and anything that is neither a regular file nor a directory is skipped.
 */
public final class ListingBuilder {

    /** What an entry of a directory is; a link is never followed. */
    public enum Kind {
        REGULAR_FILE, DIRECTORY, SYMBOLIC_LINK, OTHER;

        /** The kind of an entry from its file system's answers, read without following a link. */
        public static Kind of(boolean symbolicLink, boolean directory, boolean regularFile) {
            if (symbolicLink) {
                return SYMBOLIC_LINK;
            }
            if (directory) {
                return DIRECTORY;
            }
            return regularFile ? REGULAR_FILE : OTHER;
        }
    }

    /** Describes the object a regular file is, at its location. */
    @FunctionalInterface
    public interface Describer {
        ObjectInfo describe(StoreUri uri) throws StoreException;
    }

    private final StoreUri directory;
    private final List<String> directories = new ArrayList<>();
    private final List<ObjectInfo> objects = new ArrayList<>();
    private final List<String> skipped = new ArrayList<>();

    public ListingBuilder(StoreUri directory) {
        this.directory = directory;
    }

    /** Adds the entry {@code name}; {@code describer} is asked only when the entry is listed as an object. */
    public void add(String name, Kind kind, Describer describer) throws StoreException {
        if (kind == Kind.REGULAR_FILE && ReservedNames.isOwn(name)) {
            return;
        }
        if (ReservedNames.isReserved(name) || kind == Kind.SYMBOLIC_LINK || kind == Kind.OTHER || !directory.canHold(name)) {
            skipped.add(name);
        } else if (kind == Kind.DIRECTORY) {
            directories.add(name);
        } else {
            objects.add(describer.describe(directory.resolve(name)));
        }
    }

    /** The listing of every entry added, sorted. */
    public Listing build() {
        return Listing.sorted(directory, directories, objects, skipped);
    }
}
