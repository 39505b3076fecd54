package dev.laststate.tck;

/** Part of the TCK; see {@link CheckpointStoreTck}. */
public interface StoreContract extends TckSupport {
}
