package io.lmsingest.loader;

import io.lmsingest.kit.metrics.ServiceMetrics;
import io.lmsingest.loader.batch.BatchResult;

/** The loader's metrics in one place (lms_loader_*). */
final class LoaderMetrics {
  static final String FRESHNESS = "lms_loader_freshness_seconds";
  static final String LAST_BATCH_AT = "lms_loader_last_batch_timestamp_seconds";
  static final String LAST_BATCH_FILES = "lms_loader_last_batch_files";
  static final String LAST_BATCH_ROWS = "lms_loader_last_batch_rows";
  static final String FILES_QUARANTINED = "lms_loader_files_quarantined_total";

  private LoaderMetrics() {}

  static ServiceMetrics declare(ServiceMetrics metrics) {
    return metrics
        .counter(
            "lms_loader_batches_total",
            "Micro-batches committed (COPY, MERGE and ledger in one transaction).")
        .counter(
            "lms_loader_batches_skipped_total",
            "Micro-batches whose files were all in the ledger already.")
        .counter("lms_loader_files_total", "Bronze files loaded.")
        .counter("lms_loader_rows_copied_total", "Rows copied into RAW_LEARNER_ACTIVITY.")
        .counter("lms_loader_rows_inserted_total", "Rows MERGE inserted into ANALYTICS_READY.")
        .counter(
            "lms_loader_rows_updated_total", "Rows MERGE updated with a strictly newer version.")
        .counter(
            "lms_loader_rows_unchanged_total", "Rows MERGE left alone (not newer than the target).")
        .counter(
            "lms_loader_rows_quarantined_total",
            "Rows set aside in LOAD_QUARANTINE with their reason.")
        .counter("lms_loader_copy_seconds_total", "Time spent in COPY.")
        .counter("lms_loader_merge_seconds_total", "Time spent in MERGE.")
        .counter("lms_loader_failures_total", "Micro-batches rolled back (and retried).")
        .counter(
            "lms_loader_checkpoints_total",
            "Warehouse checkpoints the loader ran after a batch (duckdb.checkpoint.rows).")
        .counter("lms_loader_checkpoint_seconds_total", "Time spent in those checkpoints.")
        .counter(
            FILES_QUARANTINED,
            "Bronze files set aside in load_quarantined_files after failing to load by themselves.")
        .gauge(FRESHNESS, "Now minus the newest updated_at in ANALYTICS_READY.")
        .gauge(LAST_BATCH_AT, "When the last micro-batch committed (Unix time, seconds).")
        .gauge(LAST_BATCH_FILES, "Files in the last committed micro-batch.")
        .gauge(LAST_BATCH_ROWS, "Rows copied by the last committed micro-batch.");
  }

  static void record(ServiceMetrics metrics, BatchResult result) {
    if (result.files() == 0) {
      metrics.increment("lms_loader_batches_skipped_total");
      return;
    }
    metrics.increment("lms_loader_batches_total");
    metrics.set(LAST_BATCH_AT, System.currentTimeMillis() / 1000.0);
    metrics.set(LAST_BATCH_FILES, result.files());
    metrics.set(LAST_BATCH_ROWS, result.rowsCopied());
    metrics.add("lms_loader_files_total", result.files());
    metrics.add("lms_loader_rows_copied_total", result.rowsCopied());
    metrics.add("lms_loader_rows_inserted_total", result.rowsInserted());
    metrics.add("lms_loader_rows_updated_total", result.rowsUpdated());
    metrics.add("lms_loader_rows_unchanged_total", result.rowsUnchanged());
    metrics.add("lms_loader_rows_quarantined_total", result.rowsQuarantined());
    metrics.add("lms_loader_copy_seconds_total", result.copyMillis() / 1000.0);
    metrics.add("lms_loader_merge_seconds_total", result.mergeMillis() / 1000.0);
    result
        .checkpoint()
        .ifPresent(
            took -> {
              metrics.increment("lms_loader_checkpoints_total");
              metrics.add("lms_loader_checkpoint_seconds_total", took.toMillis() / 1000.0);
            });
  }
}
