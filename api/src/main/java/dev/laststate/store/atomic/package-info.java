/**
 * What the stores whose objects are files in directories (the local store, HDFS) share: a write goes to a
 * temporary file with a reserved name beside its target and is renamed into place under its condition
 * ({@link dev.laststate.store.atomic.ConditionalRename}), holding the directory's lock where the file system
 * cannot check the condition itself ({@link dev.laststate.store.atomic.DirectoryLocks}); temporary files that
 * killed writers left behind are swept ({@link dev.laststate.store.atomic.StaleTemporarySweep}). Each store
 * plugs in its own file-system calls through {@link dev.laststate.store.atomic.RenamingFileSystem}.
 */
package dev.laststate.store.atomic;
