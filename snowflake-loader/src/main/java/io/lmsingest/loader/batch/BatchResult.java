package io.lmsingest.loader.batch;

/**
 * What one committed micro-batch did ({@code files == 0}: everything was already in the ledger).
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
    long mergeMillis) {
  public static BatchResult skipped(String batchId) {
    return new BatchResult(batchId, 0, 0, 0, 0, 0, 0, 0, 0);
  }
}
