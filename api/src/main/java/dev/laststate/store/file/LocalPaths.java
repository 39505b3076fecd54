package dev.laststate.store.file;

import dev.laststate.store.StoreUri;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Resolves the symbolic links in a local location once, where a user or a JobManager names it: the file
 * store never follows a link, so every location it is given must be a real path.
 */
public final class LocalPaths {

    private LocalPaths() {}

    /**
     * A local location with every symbolic link in it resolved (the real path of its deepest existing part,
     * then the rest as given); other schemes as they are.
     */
    public static StoreUri realPath(StoreUri uri) {
        if (!uri.scheme().equals("file") || uri.path().isEmpty()) {
            return uri;
        }
        String[] segments = uri.path().split("/");
        int existing = segments.length;
        Path path = uri.toLocalPath();
        while (existing > 0 && !Files.exists(path)) {
            path = path.getParent();
            existing--;
        }
        Path real;
        try {
            real = path.toRealPath();
        } catch (IOException e) {
            // Unreadable on the way (permissions, a race): the store reports that itself, about the path as given.
            return uri;
        }
        StoreUri resolved = StoreUri.ofLocalPath(real.toString());
        String rest = String.join("/", Arrays.asList(segments).subList(existing, segments.length));
        return rest.isEmpty() ? resolved : resolved.resolve(rest);
    }

    /** A local location whose parent's symbolic links are resolved and whose own name stays as given. */
    public static StoreUri realParent(StoreUri uri) {
        return uri.parent().map(parent -> realPath(parent).resolve(uri.name())).orElse(uri);
    }
}
