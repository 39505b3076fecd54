package dev.laststate.gcs;

import com.google.cloud.ReadChannel;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.BlobWriteSession;
import com.google.cloud.storage.BlobWriteSessionConfigs;
import com.google.cloud.storage.CopyWriter;
import com.google.cloud.storage.HttpStorageOptions;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.Storage.BlobListOption;
import com.google.cloud.storage.Storage.BlobSourceOption;
import com.google.cloud.storage.Storage.BlobWriteOption;
import com.google.cloud.storage.Storage.CopyRequest;
import com.google.cloud.storage.StorageException;
import com.google.cloud.storage.StorageOptions;
import dev.laststate.store.Capability;
import dev.laststate.store.CheckpointStore;
import dev.laststate.store.ConditionFailedException;
import dev.laststate.store.Listing;
import dev.laststate.store.NameLimit;
import dev.laststate.store.ObjectAlreadyExistsException;
import dev.laststate.store.ObjectContent;
import dev.laststate.store.ObjectInfo;
import dev.laststate.store.ObjectStreams;
import dev.laststate.store.OutcomeUnknownException;
import dev.laststate.store.StoreException;
import dev.laststate.store.StoreNotFoundException;
import dev.laststate.store.StoreUnavailableException;
import dev.laststate.store.StoreUri;
import dev.laststate.store.WriteCondition;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;

/**
 * {@code gs://bucket/path} on Google Cloud Storage, through the JSON API.
 *
 * <p>A directory is a name prefix ending in {@code /}; it is listed one level deep with the {@code /}
 * delimiter. An object's version is its generation, which changes with every write. "Only if absent" is
 * {@code ifGenerationMatch=0}; "only if the version matches" is {@code ifGenerationMatch=<generation>}.
 * Copies are server-side rewrites of the generation listed ({@code ifSourceGenerationMatch}). Transient
 * failures are retried by the SDK (its defaults: idempotent calls only, which includes writes with a
 * precondition), never again here. A write is a resumable upload whose session answers a retry with the
 * object it made, so a 412 is always the precondition failing; a write that got no answer at all is an
 * {@link OutcomeUnknownException}. Streamed reads and writes hold a chunk, not the object ({@link #readStream},
 * {@link #writeStream}).
 */
final class GcsCheckpointStore implements CheckpointStore {

    /** Enough for any real copy: every rewrite call copies at least a chunk (1 MiB or more) or completes. */
    private static final int MAX_REWRITE_CALLS = 100_000;
    /** A read that races with writers retries the version it sees, a few times. */
    private static final int READ_ATTEMPTS = 5;
    /**
     * Each read of an object larger than this goes through a channel with a limit; a streamed range up to this is
     * read whole at once, a longer one through the client's buffer of this size.
     */
    private static final int READ_CHUNK = 2 * 1024 * 1024;
    /**
     * The chunk of a streamed write's resumable upload: the client's buffer, so what a {@link #writeStream} holds
     * (with {@link ObjectStreams#COPY_BUFFER_BYTES}), whatever the length; a multiple of the protocol's granule.
     */
    static final int STREAM_CHUNK = 8 * 1024 * 1024;
    /** Upload chunks are multiples of this (the resumable protocol's granularity). */
    private static final int UPLOAD_GRANULE = 256 * 1024;
    /** The client's own default buffer and chunk: larger objects are uploaded in chunks of this size. */
    private static final int MAX_UPLOAD_CHUNK = 15 * 1024 * 1024;
    private static final List<NameLimit> NAME_LIMIT = List.of(new NameLimit(NameLimit.Measure.NAME_BYTES, 1024));

    private final StorageAccess access;
    private final Optional<Long> rewriteMegabytesPerCall;

    /**
     * @param access the client, or the reason there is none (no credentials)
     * @param rewriteMegabytesPerCall how much one rewrite call may copy; empty for the server's choice
     */
    GcsCheckpointStore(StorageAccess access, Optional<Long> rewriteMegabytesPerCall) {
        this.access = access;
        this.rewriteMegabytesPerCall = rewriteMegabytesPerCall;
    }

    /**
     * The settings of every client this store is given: streamed writes go through the client's write session,
     * which buffers one chunk of {@link #STREAM_CHUNK} (the client's default is 16 MiB).
     */
    static HttpStorageOptions.Builder clientOptions() {
        return StorageOptions.http().setBlobWriteSessionConfig(BlobWriteSessionConfigs.getDefault().withChunkSize(STREAM_CHUNK));
    }

    /** The client, or the failure to create one, raised with the location of the first operation. */
    @FunctionalInterface
    interface StorageAccess {
        Storage storage(StoreUri uri) throws StoreException;
    }

    @Override
    public Set<String> schemes() {
        return Set.of(GcsCheckpointStoreProvider.SCHEME);
    }

    @Override
    public Set<Capability> capabilities() {
        return EnumSet.of(Capability.CONDITIONAL_CREATE, Capability.CONDITIONAL_REPLACE, Capability.SERVER_SIDE_COPY,
                Capability.BOUNDED_STREAMS);
    }

    /** GCS refuses an object name over 1,024 bytes of UTF-8. */
    @Override
    public List<NameLimit> nameLimits() {
        return NAME_LIMIT;
    }

    @Override
    public Listing list(StoreUri directory) throws StoreException {
        Storage storage = storage(directory.requireScheme(schemes()));
        String prefix = directory.path().isEmpty() ? "" : directory.path() + "/";
        List<Blob> entries;
        try {
            entries = Pages.readAll(token -> {
                List<BlobListOption> options = new ArrayList<>(List.of(BlobListOption.prefix(prefix), BlobListOption.currentDirectory()));
                token.ifPresent(t -> options.add(BlobListOption.pageToken(t)));
                com.google.api.gax.paging.Page<Blob> page = storage.list(directory.authority(), options.toArray(BlobListOption[]::new));
                List<Blob> items = new ArrayList<>();
                page.getValues().forEach(items::add);
                return new Pages.Page<>(items, Optional.ofNullable(page.getNextPageToken()));
            });
        } catch (StorageException e) {
            // A missing prefix lists as empty; a 404 can only mean the bucket.
            throw e.getCode() == 404 ? GcsErrors.bucketNotFound(directory, e) : GcsErrors.classify(e, directory, "list");
        } catch (RuntimeException e) {
            // A page token given twice (Pages), or an answer the SDK could not read.
            throw GcsErrors.classify(e, directory, "list", false);
        }
        List<String> directories = new ArrayList<>();
        List<ObjectInfo> objects = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (Blob entry : entries) {
            String name = entry.getName();
            if (name == null) {
                throw StoreException.malformedAnswer(directory, "list", "an entry without its name");
            }
            if (!name.startsWith(prefix)) {
                continue;
            }
            String relative = name.substring(prefix.length());
            if (relative.isEmpty()) {
                // The directory's own marker object ("dir/", as the console's "create folder" makes): the
                // directory itself, not an entry in it.
                continue;
            }
            boolean isDirectory = entry.isDirectory() || relative.endsWith("/");
            String child = isDirectory ? relative.substring(0, relative.length() - 1) : relative;
            if (child.contains("/") || !directory.canHold(child)) {
                // A name no location can hold ("a//b" rolls up as the prefix "a//", a control character, "..").
                skipped.add(relative);
            } else if (isDirectory) {
                directories.add(child);
            } else {
                objects.add(info(directory.resolve(child), entry,
                        missing -> StoreException.malformedAnswer(directory, "list", "the entry '" + relative + "' has " + missing)));
            }
        }
        return Listing.sorted(directory, directories, objects, skipped);
    }

    @Override
    public Optional<ObjectInfo> stat(StoreUri uri) throws StoreException {
        // The client answers null for a missing object and for a missing bucket alike.
        Blob blob = send(uri, "stat", storage -> storage.get(blobId(uri)));
        if (blob == null) {
            requireBucket(storage(uri), uri, "stat");
            return Optional.empty();
        }
        return Optional.of(info(uri, blob, missing -> StoreException.malformedAnswer(uri, "stat", "it has " + missing)));
    }

    @Override
    public ObjectContent read(StoreUri uri, long maxBytes) throws StoreException {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("negative maxBytes " + maxBytes);
        }
        Storage storage = storage(uri.requireObject(schemes(), nameLimits()));
        // Read the generation seen by the stat, so the bytes belong to the version reported with them. If it
        // was replaced in between, that generation is gone (404): look again.
        for (int attempt = 0; attempt < READ_ATTEMPTS; attempt++) {
            ObjectInfo info = stat(uri).orElseThrow(() -> StoreNotFoundException.noSuchObject(uri, "read"));
            BlobId generation = BlobId.of(uri.authority(), uri.path(), Long.parseLong(info.version()));
            long length = Math.min(maxBytes, info.size());
            try {
                byte[] bytes = readBytes(storage, generation, 0, length);
                if (bytes.length != length) {
                    // A generation never changes, so fewer bytes than it holds is an answer cut short.
                    throw new StoreUnavailableException(uri, "cannot read " + uri + ": the answer ended after " + bytes.length
                            + " of " + length + " bytes of generation " + info.version(), null);
                }
                return new ObjectContent(info, bytes);
            } catch (StorageException e) {
                if (e.getCode() != 404) {
                    throw GcsErrors.classify(e, uri, "read");
                }
            } catch (RuntimeException e) {
                throw GcsErrors.classify(e, uri, "read", false);
            } catch (IOException e) {
                if (!(e.getCause() instanceof StorageException s) || s.getCode() != 404) {
                    throw e.getCause() instanceof StorageException s
                            ? GcsErrors.classify(s, uri, "read")
                            : new StoreException(uri, "cannot read " + uri + ": " + e.getMessage(), e);
                }
            }
        }
        throw new StoreException(uri, "cannot read " + uri + ": it kept changing while being read", null);
    }

    /** Up to {@code length} bytes from {@code offset} of {@code blob}: fewer when it ends before. */
    private static byte[] readBytes(Storage storage, BlobId blob, long offset, long length, BlobSourceOption... options)
            throws IOException {
        if (length == 0) {
            return new byte[0];
        }
        if (length > Integer.MAX_VALUE - 8) {
            throw new IOException("objects over 2 GiB are not read into memory");
        }
        byte[] bytes = new byte[(int) length];
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        try (ReadChannel channel = storage.reader(blob, options)) {
            channel.setChunkSize((int) Math.min(length, READ_CHUNK));
            channel.seek(offset);
            channel.limit(offset + length);
            while (buffer.hasRemaining()) {
                if (channel.read(buffer) < 0) {
                    break;
                }
            }
        }
        return buffer.hasRemaining() ? Arrays.copyOf(bytes, buffer.position()) : bytes;
    }

    /**
     * {@inheritDoc}
     *
     * <p>A ranged media download ({@code Range: bytes=offset-last}) of one generation. A range of up to
     * {@value #READ_CHUNK} bytes is read whole before this returns, in one request: with a version it carries
     * {@code ifGenerationMatch}, so GCS itself answers 412 for another generation and 404 for none, and a body
     * that ends early (or a 416) is an object too short; without one, every byte comes from that one answer. A
     * longer range is checked by a stat first (the client tells no caller the size or generation of a download
     * before its last byte) and read at the generation the stat names, its first byte before this returns; the
     * client resumes an interrupted body at that generation. Memory: {@value #READ_CHUNK} bytes (the range, or the
     * client's buffer), whatever {@code length} is.
     */
    @Override
    public InputStream readStream(StoreUri uri, Optional<String> version, long offset, long length) throws StoreException {
        ObjectStreams.requireRange(uri, offset, length);
        Storage storage = storage(uri.requireObject(schemes(), nameLimits()));
        if (length == 0) {
            return InputStream.nullInputStream();
        }
        long end = offset + length;
        if (length <= READ_CHUNK) {
            BlobSourceOption[] options = version.isEmpty() ? new BlobSourceOption[0]
                    : new BlobSourceOption[] {BlobSourceOption.generationMatch(requireGeneration(uri, version.get(), "read"))};
            byte[] bytes;
            try {
                bytes = readBytes(storage, blobId(uri), offset, length, options);
            } catch (IOException | RuntimeException e) {
                if (isNotFound(e)) {
                    requireBucket(storage, uri, "read");
                    throw StoreNotFoundException.noSuchObject(uri, "read");
                }
                throw downloadFailure(e, uri, end);
            }
            if (bytes.length < length) {
                // One answer of one generation: a body that ends before the range is an object that does.
                throw new ConditionFailedException(uri, "cannot read " + uri + " up to byte " + end + ": it ends at byte "
                        + (offset + bytes.length), null);
            }
            return new ByteArrayInputStream(bytes);
        }
        for (int attempt = 0; attempt < READ_ATTEMPTS; attempt++) {
            ObjectInfo info = stat(uri).orElseThrow(() -> StoreNotFoundException.noSuchObject(uri, "read"));
            ObjectStreams.requireVersionAndSize(uri, version, end, info);
            ReadChannel channel = storage.reader(BlobId.of(uri.authority(), uri.path(), Long.parseLong(info.version())));
            try {
                channel.setChunkSize(READ_CHUNK);
                channel.seek(offset);
                channel.limit(end);
                PushbackInputStream body = new PushbackInputStream(Channels.newInputStream(channel), 1);
                int first = body.read();
                if (first < 0) {
                    throw StoreException.malformedAnswer(uri, "read", "generation " + info.version() + " of " + info.size()
                            + " bytes answered no byte at " + offset);
                }
                body.unread(first);
                return ObjectStreams.exactly(uri, length, body, e -> downloadFailure(e, uri, end));
            } catch (StoreException e) {
                channel.close();
                throw e;
            } catch (IOException | RuntimeException e) {
                channel.close();
                if (!isNotFound(e)) {
                    throw downloadFailure(e, uri, end);
                }
                // That generation was replaced or deleted since the stat: the next stat tells which.
            }
        }
        throw new StoreException(uri, "cannot read " + uri + ": it kept changing while being opened", null);
    }

    /** The SDK's failure of a download, thrown as it is or as the cause of the channel's {@link IOException}. */
    private static Optional<StorageException> storageFailure(Throwable e) {
        return e instanceof StorageException s ? Optional.of(s)
                : e.getCause() instanceof StorageException s ? Optional.of(s) : Optional.empty();
    }

    private static boolean isNotFound(Throwable e) {
        return storageFailure(e).filter(s -> s.getCode() == 404 && !GcsErrors.isMissingBucket(s)).isPresent();
    }

    /** A failure of a ranged download of {@code uri} up to byte {@code end}, before or after the stream was returned. */
    private static StoreException downloadFailure(Exception e, StoreUri uri, long end) {
        Optional<StorageException> failure = storageFailure(e);
        if (failure.isPresent()) {
            StorageException s = failure.get();
            if (s.getCode() == 412) {
                return new ConditionFailedException(uri, "cannot read " + uri + ": it changed since the version asked for"
                        + " was listed (ifGenerationMatch failed)", s);
            }
            if (s.getCode() == 416) {
                return new ConditionFailedException(uri, "cannot read " + uri + " up to byte " + end + ": the range starts"
                        + " at or after its end", s);
            }
            return GcsErrors.classify(s, uri, "read");
        }
        return e instanceof IOException io ? GcsErrors.classify(new UncheckedIOException(io), uri, "read", false)
                : GcsErrors.classify((RuntimeException) e, uri, "read", false);
    }

    /**
     * {@inheritDoc}
     *
     * <p>A resumable upload through the client's write session: the session starts, the bytes go up in chunks of
     * {@value #STREAM_CHUNK} bytes (each answered 308), and the object appears only when closing the channel
     * finalizes the upload with its total. When {@code content} fails or ends early, or a chunk fails after the
     * client's retries, the channel is never closed, since closing it would finalize a short object: the client
     * offers no way to cancel the session (GCS takes a DELETE of its URI, which the client keeps to itself), and a
     * session never finalized makes no object and expires after a week. A failed chunk is retried by the client,
     * which asks the session how much it holds and resends the rest of the chunk it buffers. Memory:
     * {@value #STREAM_CHUNK} bytes (the client's buffer) and {@link ObjectStreams#COPY_BUFFER_BYTES}, whatever
     * {@code length} is.
     */
    @Override
    public ObjectInfo writeStream(StoreUri uri, InputStream content, long length) throws StoreException {
        ObjectStreams.requireRange(uri, 0, length);
        Storage storage = storage(uri.requireObject(schemes(), nameLimits()));
        BlobWriteSession session;
        WritableByteChannel channel;
        try {
            session = storage.blobWriteSession(BlobInfo.newBuilder(blobId(uri)).build());
            channel = session.open();
        } catch (IOException | RuntimeException e) {
            throw uploadFailure(e, uri, false);
        }
        try {
            ObjectStreams.copyExactly(uri, content, length, Channels.newOutputStream(channel));
        } catch (StoreException contentFailed) {
            throw contentFailed;
        } catch (IOException | RuntimeException e) {
            throw uploadFailure(e, uri, false);
        }
        BlobInfo written;
        try {
            channel.close();
            written = session.getResult().get();
        } catch (ExecutionException e) {
            throw uploadFailure(e.getCause() instanceof Exception cause ? cause : e, uri, true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OutcomeUnknownException(uri, "interrupted while " + uri + " was being finalized: it may or may not"
                    + " have been written", e);
        } catch (IOException | RuntimeException e) {
            throw uploadFailure(e, uri, true);
        }
        if (written == null) {
            throw GcsErrors.unreadableAcknowledgement(uri, "writing", "no object");
        }
        return info(uri, written, missing -> GcsErrors.unreadableAcknowledgement(uri, "writing", "the object written has " + missing));
    }

    /**
     * A failed streamed upload, after the client's retries: before the finalizing request nothing can have been
     * written; a finalization without an answer may have been applied.
     */
    private static StoreException uploadFailure(Exception e, StoreUri uri, boolean finalizing) {
        Optional<StorageException> failure = storageFailure(e);
        if (failure.isPresent()) {
            return finalizing ? writeFailed(uri, WriteCondition.overwrite(), failure.get()) : GcsErrors.classify(failure.get(), uri, "write");
        }
        return e instanceof RuntimeException r ? GcsErrors.classify(r, uri, "write", finalizing)
                : GcsErrors.classify(new UncheckedIOException(e instanceof IOException io ? io : new IOException(e)), uri, "write", finalizing);
    }

    @Override
    public ObjectInfo write(StoreUri uri, byte[] bytes, WriteCondition condition) throws StoreException {
        Storage storage = storage(uri.requireObject(schemes(), nameLimits()));
        BlobWriteOption[] options;
        BlobId id;
        switch (condition.kind()) {
            case OVERWRITE -> {
                id = blobId(uri);
                options = new BlobWriteOption[0];
            }
            case IF_ABSENT -> {
                id = blobId(uri);
                options = new BlobWriteOption[] {BlobWriteOption.doesNotExist()};
            }
            case IF_VERSION_MATCHES -> {
                id = BlobId.of(uri.authority(), uri.path(), requireGeneration(uri, condition.expectedVersion().orElseThrow(), "write"));
                options = new BlobWriteOption[] {BlobWriteOption.generationMatch()};
            }
            default -> throw new IllegalStateException("unknown condition " + condition.kind());
        }
        try {
            // A resumable upload: the object appears whole when the upload is finalized, which is also when
            // GCS checks the precondition.
            // A buffer (and chunk) just large enough for the bytes: the client's default allocates 15 MiB for every
            // write, a few hundred bytes of pointer record included, and the upload is one finalizing request.
            Blob written = storage.createFrom(BlobInfo.newBuilder(id).build(), new ByteArrayInputStream(bytes),
                    uploadChunk(bytes.length), options);
            if (written == null) {
                throw GcsErrors.unreadableAcknowledgement(uri, "writing", "no object");
            }
            return info(uri, written, missing -> GcsErrors.unreadableAcknowledgement(uri, "writing", "the object written has " + missing));
        } catch (StorageException e) {
            throw writeFailed(uri, condition, e);
        } catch (RuntimeException e) {
            // An answer the SDK could not read: the finalization may have been applied.
            throw GcsErrors.classify(e, uri, "write", true);
        } catch (IOException e) {
            if (e.getCause() instanceof StorageException s) {
                throw writeFailed(uri, condition, s);
            }
            // The bytes come from memory, so an I/O failure here is the connection's, after the session may have begun.
            throw GcsErrors.classify(new java.io.UncheckedIOException(e), uri, "write", true);
        }
    }

    /**
     * A failed upload, after the client's retries. The session makes its finalization idempotent: when the
     * answer to it is lost, the client asks the session, which answers with the object it made (GCS keeps a
     * finalized session's result). So a 412 that gets here is the precondition failing at this upload's own
     * finalization, never a retried upload refused by its own earlier success. What stays unknown is a
     * failure without an answer (a network error or 5xx on every attempt): the finalization may have been
     * applied, unless the server was never reached.
     */
    private static StoreException writeFailed(StoreUri uri, WriteCondition condition, StorageException e) {
        if (e.getCode() == 412) {
            return condition.kind() == WriteCondition.Kind.IF_ABSENT
                    ? new ObjectAlreadyExistsException(uri, "cannot create " + uri + ": it already exists", e)
                    : new ConditionFailedException(uri, "cannot replace " + uri + ": it changed since version "
                            + condition.expectedVersion().orElse("?") + " was read, or is gone", e);
        }
        if (e.getCode() == 0 && !(e.getCause() instanceof IOException)) {
            // The client refused the answer (an object without the size sent, say): it may be the finalization's.
            return GcsErrors.outcomeUnknown(uri, GcsErrors.classify(e, uri, "write"), e);
        }
        // A network error or 5xx on every attempt: the upload may have been finalized before its answer was lost.
        return GcsErrors.classify(e, uri, "write", true);
    }

    /**
     * A server-side rewrite of exactly the generation listed: {@code ifSourceGenerationMatch} makes GCS refuse
     * (412) a source replaced since, and answer 404 for one deleted since; no stat before or after, the copy is
     * described by the last rewrite answer. ({@code sourceGeneration} is not sent: a replaced generation would
     * then be a 404, indistinguishable from a deleted object.)
     */
    @Override
    public ObjectInfo copy(ObjectInfo listed, StoreUri target) throws StoreException {
        StoreUri source = listed.uri();
        source.requireCopyTo(target, schemes(), nameLimits());
        Storage storage = storage(source);
        CopyRequest.Builder request = CopyRequest.newBuilder()
                .setSource(blobId(source))
                .setSourceOptions(BlobSourceOption.generationMatch(requireGeneration(source, listed.version(), "copy")))
                .setTarget(blobId(target));
        rewriteMegabytesPerCall.ifPresent(request::setMegabytesCopiedPerChunk);
        try {
            CopyWriter writer = storage.copy(request.build());
            Blob copy = Rewrites.complete(new Rewrites.Rewrite<Blob, StorageException>() {
                @Override
                public boolean done() {
                    return writer.isDone();
                }

                @Override
                public void next() {
                    writer.copyChunk();
                }

                @Override
                public long bytesCopied() {
                    return writer.getTotalBytesCopied();
                }

                @Override
                public Blob result() {
                    return writer.getResult();
                }
            }, MAX_REWRITE_CALLS);
            if (copy == null) {
                throw GcsErrors.unreadableAcknowledgement(target, "copying " + source + " to", "a rewrite done without its object");
            }
            return info(target, copy, missing -> GcsErrors.unreadableAcknowledgement(target, "copying " + source + " to",
                    "the copy has " + missing));
        } catch (StorageException e) {
            if (e.getCode() == 412) {
                throw new ConditionFailedException(source, "cannot copy " + source + ": it is no longer in version "
                        + listed.version() + " (replaced since it was listed)", e);
            }
            if (GcsErrors.isMissingBucket(e)) {
                // Source and target share the bucket: a copy never leaves it.
                throw GcsErrors.bucketNotFound(target, e);
            }
            if (e.getCode() == 404) {
                throw new StoreNotFoundException(source, "cannot copy " + source + ": no such object", e);
            }
            // A network error or 5xx on every attempt: the last rewrite call may have made the copy.
            throw GcsErrors.classify(e, target, "copy " + source + " to", true);
        } catch (Rewrites.UnfinishedRewriteException e) {
            // GCS makes the copy only at the call that says done, which never came: the target is unchanged.
            throw new StoreException(target, "cannot copy " + source + " to " + target + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            // A rewrite answer the SDK could not read (a "done" without its object): the copy may have been made.
            throw GcsErrors.classify(e, target, "copy " + source + " to", true);
        }
    }

    @Override
    public void delete(StoreUri uri) throws StoreException {
        // false for a missing object, and for a missing bucket. A failure is no change of unknown outcome: deleting
        // again is always safe, and a missing object is no failure.
        if (!send(uri, "delete", storage -> storage.delete(blobId(uri)))) {
            requireBucket(storage(uri), uri, "delete");
        }
    }

    @Override
    public void deleteAll(Collection<StoreUri> uris) throws StoreException {
        for (StoreUri uri : uris) {
            delete(uri);
        }
    }

    @Override
    public void close() {
        // The HTTP client holds no threads or connections that outlive a call.
    }

    private Storage storage(StoreUri uri) throws StoreException {
        return access.storage(uri.requireScheme(schemes()));
    }

    /** One request about the object at {@code uri} whose failure leaves no change unknown (a look, or a delete). */
    private <T> T send(StoreUri uri, String action, Function<Storage, T> request) throws StoreException {
        Storage storage = storage(uri.requireObject(schemes(), nameLimits()));
        try {
            return request.apply(storage);
        } catch (RuntimeException e) {
            throw GcsErrors.classify(e, uri, action, false);
        }
    }

    /**
     * After the client answered "not found" (null, false), which it does for a missing object and for a
     * missing bucket alike: a one-entry listing, which GCS answers 404 only for a missing bucket. Costs a
     * request on misses only, and needs no bucket permission (Storage Object Admin lists objects).
     *
     * @throws dev.laststate.store.ContainerNotFoundException when the bucket does not exist
     */
    private static void requireBucket(Storage storage, StoreUri uri, String action) throws StoreException {
        try {
            storage.list(uri.authority(), BlobListOption.pageSize(1), BlobListOption.prefix(uri.path()),
                    BlobListOption.fields(Storage.BlobField.NAME));
        } catch (StorageException e) {
            throw e.getCode() == 404 ? GcsErrors.bucketNotFound(uri, e) : GcsErrors.classify(e, uri, action);
        } catch (RuntimeException e) {
            throw GcsErrors.classify(e, uri, action, false);
        }
    }

    /** The size rounded up to the protocol's 256 KiB granule, at most the client's default chunk. */
    static int uploadChunk(int size) {
        long granules = Math.max(1, (size + (long) UPLOAD_GRANULE - 1) / UPLOAD_GRANULE);
        return (int) Math.min(MAX_UPLOAD_CHUNK, granules * UPLOAD_GRANULE);
    }

    private static BlobId blobId(StoreUri uri) {
        return BlobId.of(uri.authority(), uri.path());
    }

    /** The generation {@code version} names; one that names none is not the version of any GCS object. */
    private static long requireGeneration(StoreUri uri, String version, String action) throws ConditionFailedException {
        return generation(version).orElseThrow(() -> new ConditionFailedException(uri, "cannot " + action + " " + uri
                + ": version '" + version + "' is not a generation of it", null));
    }

    static Optional<Long> generation(String version) {
        try {
            long generation = Long.parseLong(version);
            return generation > 0 ? Optional.of(generation) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * The object the SDK described. Every field of an answer may be absent (a proxy, a truncated body the JSON
     * parser took for whole): none is given a default, since a size of 0 would read as empty bytes and a time
     * of 1970 would lose every comparison.
     *
     * @param malformed the failure for what is missing ("no size"): a read's, or an acknowledged change's
     */
    private static ObjectInfo info(StoreUri uri, BlobInfo blob, Function<String, StoreException> malformed) throws StoreException {
        Long generation = blob.getGeneration();
        if (generation == null || generation <= 0) {
            throw malformed.apply("no generation");
        }
        Long size = blob.getSize();
        if (size == null || size < 0) {
            throw malformed.apply("no size");
        }
        // "updated" is "timeCreated" for an object whose metadata was never patched: either will do.
        Optional<OffsetDateTime> time = Optional.ofNullable(blob.getUpdateTimeOffsetDateTime())
                .or(() -> Optional.ofNullable(blob.getCreateTimeOffsetDateTime()));
        if (time.isEmpty()) {
            throw malformed.apply("no updated or timeCreated time");
        }
        return new ObjectInfo(uri, size, time.get().toInstant(), Long.toString(generation));
    }


    @Override
    public String toString() {
        return "GcsCheckpointStore[gs]";
    }
}
