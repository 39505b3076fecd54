package dev.laststate.store;

import java.util.Map;
import java.util.Set;

/**
 * Creates stores of one kind; found with {@link java.util.ServiceLoader} through
 * {@code META-INF/services/dev.laststate.store.CheckpointStoreProvider}.
 */
public interface CheckpointStoreProvider {

    /**
     * The provider's name, which is also its option namespace: options {@code <name>.<key>} are this
     * provider's ({@code s3.endpoint}).
     */
    String name();

    /** The URI schemes the stores serve; a scheme belongs to exactly one provider. */
    Set<String> schemes();

    /**
     * Opens a store. {@code options} holds only this provider's keys (with the {@code <name>.} prefix);
     * an unknown key of its namespace or a malformed value is an {@link InvalidStoreConfigurationException}.
     * Credentials come from the platform's default chain, never from options.
     *
     * @param environment the environment variables the store may read (credentials, endpoints such as
     *     {@code AWS_ENDPOINT_URL_S3}); the only environment it sees: a provider never reads
     *     {@link System#getenv()}, so an embedding application or a test decides what it is given
     */
    CheckpointStore open(Map<String, String> options, Map<String, String> environment) throws StoreException;
}
