/**
 * Fault injection for the backend tests: {@link dev.laststate.tck.faults.FaultProxy}, an HTTP/1.1 proxy that
 * spoils the answers of an emulator for the requests a test picks, the {@link dev.laststate.tck.faults.Fault}s it
 * knows, and {@link dev.laststate.tck.faults.StoreFailures}, the check that a faulted operation fails as a store
 * failure naming its location. One proxy for every HTTP backend, so a fault means the same bytes on the wire for
 * S3, GCS and Azure; what is particular to one service (its error body, its JSON) is a {@code Fault} the backend's
 * tests build.
 */
package dev.laststate.tck.faults;
