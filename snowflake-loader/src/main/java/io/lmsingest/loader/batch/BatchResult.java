package io.lmsingest.loader.batch;

import java.time.Duration;
import java.util.Optional;

/**
 * What one committed micro-batch did ({@code files == 0}: everything was already in the ledger);
 * {@code checkpoint}: how long the warehouse checkpoint run after it took, if one ran.
 */
public record BatchResult(
    String batchId,
    int files,
    long rowsCopied,
    long rowsInserted,
    long rowsUpdated,
    long rowsUnchanged,
    long rowsQuarantined,
    long copyMillis,
    long mergeMillis,
    Optional<Duration> checkpoint) {
  public static BatchResult skipped(String batchId) {
    return new BatchResult(batchId, 0, 0, 0, 0, 0, 0, 0, 0, Optional.empty());
  }

  BatchResult withCheckpoint(Optional<Duration> ran) {
    return new BatchResult(
        batchId,
        files,
        rowsCopied,
        rowsInserted,
        rowsUpdated,
        rowsUnchanged,
        rowsQuarantined,
        copyMillis,
        mergeMillis,
        ran);
  }
}
