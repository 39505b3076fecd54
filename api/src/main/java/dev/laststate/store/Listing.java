package dev.laststate.store;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One level of a directory: the names of its sub-directories and the objects directly in it.
 * Both lists are complete (every page was read) and sorted by name.
 *
 * @param skipped the names of entries the store found at this level but cannot serve as objects or
 *     directories (a symbolic link on the file store, a name of laststate's reserved prefix that is not
 *     the store's own): never a failure of the whole listing, but a caller that must copy everything (a
 *     promotion) refuses a directory that has any
 */
public record Listing(StoreUri directory, List<String> directories, List<ObjectInfo> objects, List<String> skipped) {
    public Listing {
        Objects.requireNonNull(directory, "directory");
        directories = List.copyOf(directories);
        objects = List.copyOf(objects);
        skipped = List.copyOf(skipped);
    }

    /** A listing that skipped nothing. */
    public Listing(StoreUri directory, List<String> directories, List<ObjectInfo> objects) {
        this(directory, directories, objects, List.of());
    }

    /**
     * A listing of these entries sorted as the contract wants (Java {@code String} order), whatever order the
     * store found them in: object stores answer in UTF-8 byte order, which differs beyond U+FFFF, and file
     * systems in none. Duplicate directory names (a prefix met on several pages) are kept once.
     */
    public static Listing sorted(StoreUri directory, List<String> directories, List<ObjectInfo> objects, List<String> skipped) {
        return new Listing(directory, directories.stream().distinct().sorted().toList(),
                objects.stream().sorted(Comparator.comparing(ObjectInfo::name)).toList(), skipped.stream().sorted().toList());
    }

    public static Listing empty(StoreUri directory) {
        return new Listing(directory, List.of(), List.of());
    }

    public boolean isEmpty() {
        return directories.isEmpty() && objects.isEmpty();
    }

    /** The object with this name directly in the directory, if listed. */
    public Optional<ObjectInfo> object(String name) {
        return objects.stream().filter(o -> o.name().equals(name)).findFirst();
    }
}
