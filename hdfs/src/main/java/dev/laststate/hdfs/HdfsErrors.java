package dev.laststate.hdfs;

import dev.laststate.store.ObjectAlreadyExistsException;
import dev.laststate.store.StoreAccessDeniedException;
import dev.laststate.store.StoreException;
import dev.laststate.store.StoreNotFoundException;
import dev.laststate.store.StoreUnavailableException;
import dev.laststate.store.StoreUri;
import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Set;
import javax.security.sasl.SaslException;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.ipc.RemoteException;
import org.apache.hadoop.ipc.RetriableException;
import org.apache.hadoop.ipc.StandbyException;
import org.apache.hadoop.net.ConnectTimeoutException;
import org.apache.hadoop.security.AccessControlException;

/** Classifies Hadoop's exceptions once, into the store's vocabulary, keeping Hadoop's as the cause. */
final class HdfsErrors {

    /** Server-side exceptions the client jar may not hold, known by the class name a RemoteException carries. */
    private static final Set<String> UNAVAILABLE_REMOTE = Set.of(
            "org.apache.hadoop.hdfs.server.namenode.SafeModeException",
            "org.apache.hadoop.ipc.StandbyException",
            "org.apache.hadoop.ipc.RetriableException",
            "org.apache.hadoop.ipc.ObserverRetryOnActiveException",
            "org.apache.hadoop.hdfs.server.namenode.NotReplicatedYetException");

    /** Another client holds the lease on the file (or its recovery is running). */
    private static final Set<String> LEASE_HELD = Set.of(
            "org.apache.hadoop.hdfs.protocol.AlreadyBeingCreatedException",
            "org.apache.hadoop.hdfs.protocol.RecoveryInProgressException");

    private HdfsErrors() {}

    static StoreException classify(IOException e, StoreUri uri, String action) {
        if (e instanceof StoreException s) {
            return s;
        }
        IOException unwrapped = unwrap(e);
        String prefix = "cannot " + action + " " + uri + ": ";
        if (unwrapped instanceof AccessControlException || hasCause(e, SaslException.class)) {
            return new StoreAccessDeniedException(uri, prefix + "access denied (" + detail(unwrapped) + ")", e);
        }
        if (unwrapped instanceof FileNotFoundException) {
            return new StoreNotFoundException(uri, prefix + "no such file or directory", e);
        }
        if (unwrapped instanceof FileAlreadyExistsException || unwrapped instanceof java.nio.file.FileAlreadyExistsException) {
            return new ObjectAlreadyExistsException(uri, prefix + "it already exists", e);
        }
        if (unavailable(e)) {
            return new StoreUnavailableException(uri, prefix + "HDFS is unavailable (" + detail(unwrapped) + ")", e);
        }
        return new StoreException(uri, prefix + detail(unwrapped), e);
    }

    /** Whether the failure is a NameNode or DataNode out of reach, in standby or safe mode: worth retrying later. */
    static boolean unavailable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof RemoteException remote && UNAVAILABLE_REMOTE.contains(remote.getClassName())) {
                return true;
            }
            if (t instanceof StandbyException || t instanceof RetriableException || t instanceof ConnectException
                    || t instanceof ConnectTimeoutException || t instanceof NoRouteToHostException
                    || t instanceof UnknownHostException || t instanceof SocketTimeoutException
                    || t instanceof SocketException || t instanceof EOFException
                    || t.getClass().getName().equals("org.apache.hadoop.hdfs.server.namenode.SafeModeException")) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    /** Whether another client holds the file's lease. */
    static boolean leaseHeld(IOException e) {
        return e instanceof RemoteException remote && LEASE_HELD.contains(remote.getClassName())
                || LEASE_HELD.contains(e.getClass().getName());
    }

    /** The server's exception where the client knows its class; otherwise the RemoteException itself. */
    static IOException unwrap(IOException e) {
        return e instanceof RemoteException remote ? remote.unwrapRemoteException() : e;
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
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
