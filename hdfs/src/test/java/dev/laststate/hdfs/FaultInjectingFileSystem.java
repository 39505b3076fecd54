package dev.laststate.hdfs;

import java.io.FilterInputStream;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.util.Progressable;
import org.apache.hadoop.fs.PositionedReadable;
import org.apache.hadoop.fs.Seekable;
import org.apache.hadoop.hdfs.DistributedFileSystem;

/**
 * HDFS's own client, except that a read of one chosen file runs a fault (delete the file, stop the DataNode)
 * right after its first bytes arrive: the store under test is then mid-read, with no sleep to time it. A store
 * uses it through the option {@code hdfs.fs.hdfs.impl}; Hadoop creates the instance, so the fault to run is
 * handed over in a static slot, armed by one test at a time and consumed when it fires. It also counts the
 * calls a store makes of it, per method, so a test can state what an operation costs.
 */
final class FaultInjectingFileSystem extends DistributedFileSystem {

    /** What to run, and during the read of which HDFS path. */
    record Fault(String path, Action action) {}

    @FunctionalInterface
    interface Action {
        void run() throws Exception;
    }

    /** The option that makes a store use this client. */
    static final String OPTION = HdfsStoreConfig.PREFIX + "fs.hdfs.impl";

    private static final AtomicReference<Fault> ARMED = new AtomicReference<>();
    private static final Map<String, AtomicInteger> CALLS = new ConcurrentHashMap<>();

    /** The calls made since the last {@link #resetCalls()}, by method name. */
    static Map<String, Integer> calls() {
        Map<String, Integer> counted = new TreeMap<>();
        CALLS.forEach((method, count) -> counted.put(method, count.get()));
        return counted;
    }

    static void resetCalls() {
        CALLS.clear();
    }

    private static void count(String method) {
        CALLS.computeIfAbsent(method, m -> new AtomicInteger()).incrementAndGet();
    }

    @Override
    public FileStatus getFileStatus(Path f) throws IOException {
        count("getFileStatus");
        return super.getFileStatus(f);
    }

    @Override
    public FSDataOutputStream create(Path f, FsPermission permission, boolean overwrite, int bufferSize, short replication,
                                     long blockSize, Progressable progress) throws IOException {
        count("create");
        return super.create(f, permission, overwrite, bufferSize, replication, blockSize, progress);
    }

    @Override
    public void rename(Path src, Path dst, Options.Rename... options) throws IOException {
        count("rename");
        super.rename(src, dst, options);
    }

    @Override
    public FileStatus[] globStatus(Path pathPattern) throws IOException {
        count("globStatus");
        return super.globStatus(pathPattern);
    }

    /** Runs {@code action} once, after the first bytes of the next read of {@code path}. */
    static void arm(String path, Action action) {
        ARMED.set(new Fault(path, action));
    }

    /** Whether the armed fault has run (and so the read it was meant for happened). */
    static boolean fired() {
        return ARMED.get() == null;
    }

    static void disarm() {
        ARMED.set(null);
    }

    @Override
    public FSDataInputStream open(Path f, int bufferSize) throws IOException {
        count("open");
        FSDataInputStream in = super.open(f, bufferSize);
        Fault fault = ARMED.get();
        if (fault == null || !fault.path().equals(f.toUri().getPath())) {
            return in;
        }
        return new FSDataInputStream(new FaultAfterFirstRead(in, fault));
    }

    /** Delegates to the real stream; FSDataInputStream insists on Seekable and PositionedReadable. */
    private static final class FaultAfterFirstRead extends FilterInputStream implements Seekable, PositionedReadable {
        private final FSDataInputStream real;
        private final Fault fault;

        FaultAfterFirstRead(FSDataInputStream real, Fault fault) {
            super(real);
            this.real = real;
            this.fault = fault;
        }

        @Override
        public int read() throws IOException {
            int b = real.read();
            fireOnce(b >= 0);
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = real.read(buffer, offset, length);
            fireOnce(n > 0);
            return n;
        }

        private void fireOnce(boolean readSomething) throws IOException {
            if (readSomething && ARMED.compareAndSet(fault, null)) {
                try {
                    fault.action().run();
                } catch (Exception e) {
                    throw new IllegalStateException("the injected fault itself failed", e);
                }
            }
        }

        @Override
        public void seek(long pos) throws IOException {
            real.seek(pos);
        }

        @Override
        public long getPos() throws IOException {
            return real.getPos();
        }

        @Override
        public boolean seekToNewSource(long targetPos) throws IOException {
            return real.seekToNewSource(targetPos);
        }

        @Override
        public int read(long position, byte[] buffer, int offset, int length) throws IOException {
            return real.read(position, buffer, offset, length);
        }

        @Override
        public void readFully(long position, byte[] buffer, int offset, int length) throws IOException {
            real.readFully(position, buffer, offset, length);
        }

        @Override
        public void readFully(long position, byte[] buffer) throws IOException {
            real.readFully(position, buffer);
        }

    }
}
