package io.lmsingest.loader.manifest;

import io.lmsingest.schemas.BronzeManifest;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Groups manifests into bounded micro-batches: at most {@code maxFiles} files, about {@code
 * maxBytes} and about {@code maxRows} rows (a single manifest above a cap still forms its own
 * batch), in arrival order. The row cap keeps a batch within the warehouse's memory: DuckDB holds a
 * batch's uncommitted rows in memory and fails with "Out of Memory" past its limit.
 */
public final class BatchCoalescer {
  private final int maxFiles;
  private final long maxBytes;
  private final long maxRows;

  /** Takes one batch; it may fail, and then the coalescing stops with that failure. */
  @FunctionalInterface
  public interface BatchHandler {
    void accept(List<BronzeManifest> batch) throws Exception;
  }

  public BatchCoalescer(int maxFiles, long maxBytes) {
    this(maxFiles, maxBytes, Long.MAX_VALUE);
  }

  public BatchCoalescer(int maxFiles, long maxBytes, long maxRows) {
    if (maxFiles < 1 || maxBytes < 1 || maxRows < 1) {
      throw new IllegalArgumentException("batch caps must be positive");
    }
    this.maxFiles = maxFiles;
    this.maxBytes = maxBytes;
    this.maxRows = maxRows;
  }

  public List<List<BronzeManifest>> coalesce(List<BronzeManifest> manifests) {
    List<List<BronzeManifest>> batches = new ArrayList<>();
    try {
      coalesce(manifests.iterator(), batches::add);
    } catch (Exception e) {
      throw new IllegalStateException("adding to a list failed", e); // cannot happen
    }
    return batches;
  }

  /**
   * Hands each batch to {@code handler} as soon as it is full, holding no more than one batch of
   * manifests: a replay over a whole bucket streams.
   */
  public void coalesce(Iterator<BronzeManifest> manifests, BatchHandler handler) throws Exception {
    List<BronzeManifest> current = new ArrayList<>();
    int files = 0;
    long bytes = 0;
    long rows = 0;
    while (manifests.hasNext()) {
      BronzeManifest m = manifests.next();
      int mFiles = m.getFiles().size();
      long mBytes = m.getFiles().stream().mapToLong(f -> f.getSizeBytes()).sum();
      long mRows = m.getFiles().stream().mapToLong(f -> f.getRowCount()).sum();
      if (!current.isEmpty()
          && (files + mFiles > maxFiles || bytes + mBytes > maxBytes || rows + mRows > maxRows)) {
        handler.accept(current);
        current = new ArrayList<>();
        files = 0;
        bytes = 0;
        rows = 0;
      }
      current.add(m);
      files += mFiles;
      bytes += mBytes;
      rows += mRows;
    }
    if (!current.isEmpty()) {
      handler.accept(current);
    }
  }
}
