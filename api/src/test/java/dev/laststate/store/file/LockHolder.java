package dev.laststate.store.file;

import java.net.InetAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A second process for {@link FileCheckpointStoreLockTest}: locks the lock file of the directory given as
 * the only argument as a store would, describes itself in it, prints {@code locked} and sleeps until killed.
 */
final class LockHolder {

    private LockHolder() {}

    public static void main(String[] args) throws Exception {
        Path lockFile = Path.of(args[0]).resolve(FileCheckpointStore.LOCK_FILE);
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
             FileLock lock = channel.lock()) {
            LockFile.describeHolder(channel, InetAddress.getLocalHost().getHostName());
            System.out.println("locked");
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
