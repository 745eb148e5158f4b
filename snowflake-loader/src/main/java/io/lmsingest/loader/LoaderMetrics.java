package io.lmsingest.loader;

import io.lmsingest.kit.metrics.ServiceMetrics;
import io.lmsingest.loader.batch.BatchResult;

/** The loader's metric names in one place (lms_loader_*). */
final class LoaderMetrics {
  private LoaderMetrics() {}

  static void record(ServiceMetrics metrics, BatchResult result) {
    if (result.files() == 0) {
      metrics.increment("lms_loader_batches_skipped_total");
      return;
    }
    metrics.increment("lms_loader_batches_total");
    metrics.add("lms_loader_files_total", result.files());
    metrics.add("lms_loader_rows_copied_total", result.rowsCopied());
    metrics.add("lms_loader_rows_inserted_total", result.rowsInserted());
    metrics.add("lms_loader_rows_updated_total", result.rowsUpdated());
    metrics.add("lms_loader_rows_unchanged_total", result.rowsUnchanged());
    metrics.add("lms_loader_rows_quarantined_total", result.rowsQuarantined());
    metrics.add("lms_loader_copy_ms_total", result.copyMillis());
    metrics.add("lms_loader_merge_ms_total", result.mergeMillis());
  }
}
