package dev.laststate.store;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One level of a directory: the names of its sub-directories and the objects directly in it.
 * Both lists are complete (every page was read) and sorted by name.
 */
public record Listing(StoreUri directory, List<String> directories, List<ObjectInfo> objects) {
    public Listing {
        Objects.requireNonNull(directory, "directory");
        directories = List.copyOf(directories);
        objects = List.copyOf(objects);
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
