package dev.laststate.azure;

import dev.laststate.store.InvalidStoreUriException;
import dev.laststate.store.StoreUri;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A location as Flink's Azure file systems write it: {@code abfss://container@account.dfs.core.windows.net/path}
 * or {@code wasbs://container@account.blob.core.windows.net/path} ({@code abfs} and {@code wasb} alike).
 *
 * @param container the container (ADLS Gen2: the file system)
 * @param account the storage account
 * @param endpointSuffix the DNS suffix after {@code .dfs.} or {@code .blob.}, such as {@code core.windows.net};
 *     empty when the authority names only {@code container@account}
 * @param blobName the object's name within the container, {@code ""} for the container's root
 */
record AzureLocation(String container, String account, Optional<String> endpointSuffix, String blobName) {

    static final Set<String> SCHEMES = Set.of("abfs", "abfss", "wasb", "wasbs");

    // Container names: 3-63 lower-case letters, digits and single hyphens; account names: 3-24 lower-case
    // letters and digits. Checked loosely here (the service has the last word), strictly enough to catch typos.
    private static final Pattern AUTHORITY = Pattern.compile(
            "(?<container>[a-z0-9][a-z0-9-]{1,61}[a-z0-9]|\\$root)@(?<account>[a-z0-9]{1,24})(?:\\.(?:dfs|blob)\\.(?<suffix>[a-z0-9.-]+))?");

    static AzureLocation of(StoreUri uri) {
        uri.requireScheme(SCHEMES);
        Matcher matcher = AUTHORITY.matcher(uri.authority());
        if (!matcher.matches()) {
            throw new InvalidStoreUriException(uri.toString(), "expected " + uri.scheme()
                    + "://<container>@<account>.dfs.core.windows.net/<path> (or .blob. for wasb), with a lower-case container and account name");
        }
        return new AzureLocation(matcher.group("container"), matcher.group("account"),
                Optional.ofNullable(matcher.group("suffix")), uri.path());
    }

    /** The account's Blob service endpoint as the location names it (ADLS Gen2's dfs host maps to its blob host). */
    String blobEndpoint() {
        return "https://" + account + ".blob." + endpointSuffix.orElse("core.windows.net");
    }

    /** The prefix that lists this location as a directory. */
    String directoryPrefix() {
        return blobName.isEmpty() ? "" : blobName + "/";
    }
}
