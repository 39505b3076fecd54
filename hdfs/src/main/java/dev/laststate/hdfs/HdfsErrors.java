package dev.laststate.hdfs;

import dev.laststate.store.InvalidStoreConfigurationException;
import dev.laststate.store.ObjectAlreadyExistsException;
import dev.laststate.store.StoreAccessDeniedException;
import dev.laststate.store.StoreException;
import dev.laststate.store.StoreNotFoundException;
import dev.laststate.store.StoreUnavailableException;
import dev.laststate.store.StoreUri;
import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedByInterruptException;
import java.util.Set;
import javax.security.sasl.SaslException;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.ParentNotDirectoryException;
import org.apache.hadoop.ipc.RemoteException;
import org.apache.hadoop.security.AccessControlException;

/**
 * Classifies Hadoop's exceptions once, into the store's vocabulary, keeping Hadoop's as the cause. Every
 * exception of an HDFS call passes through {@link #classify}: nothing Hadoop throws, checked or not, crosses
 * the API unclassified.
 *
 * <p>A {@link RemoteException} carries the server's exception by class name; it is unwrapped where the client
 * holds the class, and recognised by name where it does not (the shaded client lacks some server classes).
 */
final class HdfsErrors {

    /** A NameNode in safe mode or standby, or asking the client to come back: worth retrying later. */
    private static final Set<String> UNAVAILABLE = Set.of(
            "org.apache.hadoop.hdfs.server.namenode.SafeModeException",
            "org.apache.hadoop.ipc.StandbyException",
            "org.apache.hadoop.ipc.RetriableException",
            "org.apache.hadoop.ipc.ObserverRetryOnActiveException",
            "org.apache.hadoop.hdfs.server.namenode.NotReplicatedYetException",
            // no DataNode holding a block answered (all stopped, or unreachable)
            "org.apache.hadoop.hdfs.BlockMissingException",
            "org.apache.hadoop.net.ConnectTimeoutException");

    /** The caller may not do this: a permission, an ACL, a failed authentication. */
    private static final Set<String> DENIED = Set.of(
            "org.apache.hadoop.security.AccessControlException",
            "org.apache.hadoop.security.authorize.AuthorizationException",
            "org.apache.hadoop.security.token.SecretManager$InvalidToken");

    /** Another client holds the lease on the file (or its recovery is running). */
    private static final Set<String> LEASE_HELD = Set.of(
            "org.apache.hadoop.hdfs.protocol.AlreadyBeingCreatedException",
            "org.apache.hadoop.hdfs.protocol.RecoveryInProgressException");

    private HdfsErrors() {}

    /**
     * The store's exception for a failed HDFS call about {@code uri}.
     *
     * @param e what Hadoop threw: an {@link IOException}, or an {@link IllegalArgumentException} (Hadoop's way
     *     of refusing a path or a malformed configuration value)
     * @param action what was attempted, for the one-line message ("read", "copy to")
     */
    static StoreException classify(Exception e, StoreUri uri, String action) {
        if (e instanceof StoreException s) {
            return s;
        }
        String prefix = "cannot " + action + " " + uri + ": ";
        if (e instanceof IllegalArgumentException) {
            if (hasCause(e, UnknownHostException.class)) {
                return new StoreUnavailableException(uri, prefix + "unknown NameNode host or name service (" + detail(e) + ")", e);
            }
            return new StoreException(uri, prefix + "HDFS refused it (" + detail(e) + ")", e);
        }
        Throwable server = e instanceof RemoteException remote ? remote.unwrapRemoteException() : e;
        if (is(e, DENIED) || server instanceof AccessControlException || hasCause(e, SaslException.class)) {
            return new StoreAccessDeniedException(uri, prefix + "access denied (" + detail(server) + ")", e);
        }
        if (server instanceof FileNotFoundException || is(e, Set.of(FileNotFoundException.class.getName()))) {
            return new StoreNotFoundException(uri, prefix + "no such file or directory", e);
        }
        if (server instanceof FileAlreadyExistsException || server instanceof java.nio.file.FileAlreadyExistsException) {
            return new ObjectAlreadyExistsException(uri, prefix + "it already exists", e);
        }
        if (server instanceof ParentNotDirectoryException) {
            return new StoreException(uri, prefix + "a parent of it is an object, not a directory", e);
        }
        if (interrupted(e)) {
            return new StoreException(uri, prefix + "interrupted", e);
        }
        if (unavailable(e)) {
            return new StoreUnavailableException(uri, prefix + "HDFS is unavailable (" + detail(server) + ")", e);
        }
        return new StoreException(uri, prefix + detail(server), e);
    }

    /**
     * The failure to create a client for a NameNode: an unknown host or name service is unavailable (DNS may
     * answer later); any other refusal is a configuration value Hadoop cannot parse ({@code -o hdfs.dfs.blocksize=x}).
     *
     * @throws InvalidStoreConfigurationException for a configuration value Hadoop refused
     */
    static StoreException classifyClientSetup(IllegalArgumentException e, StoreUri uri) {
        if (hasCause(e, UnknownHostException.class)) {
            return new StoreUnavailableException(uri, "cannot reach the NameNode of " + uri
                    + ": unknown host or name service (" + detail(e) + ")", e);
        }
        throw new InvalidStoreConfigurationException("Hadoop refused the configuration for " + uri + ": " + detail(e));
    }

    /**
     * Whether the failure is a NameNode or DataNode out of reach, in standby or safe mode, or a connection cut
     * short (a reset, an end of stream mid-answer): worth retrying later.
     */
    static boolean unavailable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (is(t, UNAVAILABLE)) {
                return true;
            }
            if (t instanceof ConnectException || t instanceof NoRouteToHostException || t instanceof UnknownHostException
                    || t instanceof SocketTimeoutException || t instanceof SocketException || t instanceof EOFException) {
                return true;
            }
            // A write pipeline with no DataNode left, or a NameNode with none to take a new block (the client excluded
            // the one that stopped; measured with a DataNode stopped mid-write); Hadoop says so only in the message of a
            // plain IOException.
            String message = t.getMessage();
            if (message != null && (message.startsWith("All datanodes ") && message.contains(" are bad")
                    || message.contains(" could only be written to 0 of the "))) {
                return true;
            }
        }
        return false;
    }

    /** Whether another client holds the file's lease. */
    static boolean leaseHeld(IOException e) {
        return is(e, LEASE_HELD);
    }

    /** Whether {@code e} is, or a RemoteException carrying, one of these class names. */
    private static boolean is(Throwable e, Set<String> classNames) {
        if (e instanceof RemoteException remote && classNames.contains(remote.getClassName())) {
            return true;
        }
        for (Class<?> c = e.getClass(); c != null; c = c.getSuperclass()) {
            if (classNames.contains(c.getName())) {
                return true;
            }
        }
        return false;
    }

    /** The thread was interrupted, as opposed to a socket timing out (both are InterruptedIOExceptions). */
    private static boolean interrupted(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ClosedByInterruptException || t instanceof InterruptedException
                    || t.getClass() == InterruptedIOException.class) {
                return true;
            }
        }
        return false;
    }

    /** One line: Hadoop's messages carry stack traces of the server and links to a wiki. */
    static String detail(Throwable e) {
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            return e.getClass().getSimpleName();
        }
        int end = message.length();
        for (String cut : new String[] {"\n", "; For more details see", "\tat "}) {
            int at = message.indexOf(cut);
            if (at >= 0 && at < end) {
                end = at;
            }
        }
        return message.substring(0, end).strip();
    }

    private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
