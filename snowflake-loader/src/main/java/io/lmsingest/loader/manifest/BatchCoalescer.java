package io.lmsingest.loader.manifest;

import io.lmsingest.schemas.BronzeManifest;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Groups manifests into bounded micro-batches: at most {@code maxFiles} files and about {@code
 * maxBytes} (a single manifest above the byte cap still forms its own batch), in arrival order.
 */
public final class BatchCoalescer {
  private final int maxFiles;
  private final long maxBytes;

  /** Takes one batch; it may fail, and then the coalescing stops with that failure. */
  @FunctionalInterface
  public interface BatchHandler {
    void accept(List<BronzeManifest> batch) throws Exception;
  }

  public BatchCoalescer(int maxFiles, long maxBytes) {
    if (maxFiles < 1 || maxBytes < 1) {
      throw new IllegalArgumentException("batch caps must be positive");
    }
    this.maxFiles = maxFiles;
    this.maxBytes = maxBytes;
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
    while (manifests.hasNext()) {
      BronzeManifest m = manifests.next();
      int mFiles = m.getFiles().size();
      long mBytes = m.getFiles().stream().mapToLong(f -> f.getSizeBytes()).sum();
      if (!current.isEmpty() && (files + mFiles > maxFiles || bytes + mBytes > maxBytes)) {
        handler.accept(current);
        current = new ArrayList<>();
        files = 0;
        bytes = 0;
      }
      current.add(m);
      files += mFiles;
      bytes += mBytes;
    }
    if (!current.isEmpty()) {
      handler.accept(current);
    }
  }
}
