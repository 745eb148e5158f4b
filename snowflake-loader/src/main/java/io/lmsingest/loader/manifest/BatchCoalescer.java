package io.lmsingest.loader.manifest;

import io.lmsingest.schemas.BronzeManifest;
import java.util.ArrayList;
import java.util.List;

/**
 * Groups manifests into bounded micro-batches: at most {@code maxFiles} files and about {@code
 * maxBytes} (a single manifest above the byte cap still forms its own batch), in arrival order.
 */
public final class BatchCoalescer {
  private final int maxFiles;
  private final long maxBytes;

  public BatchCoalescer(int maxFiles, long maxBytes) {
    if (maxFiles < 1 || maxBytes < 1) {
      throw new IllegalArgumentException("batch caps must be positive");
    }
    this.maxFiles = maxFiles;
    this.maxBytes = maxBytes;
  }

  public List<List<BronzeManifest>> coalesce(List<BronzeManifest> manifests) {
    List<List<BronzeManifest>> batches = new ArrayList<>();
    List<BronzeManifest> current = new ArrayList<>();
    int files = 0;
    long bytes = 0;
    for (BronzeManifest m : manifests) {
      int mFiles = m.getFiles().size();
      long mBytes = m.getFiles().stream().mapToLong(f -> f.getSizeBytes()).sum();
      if (!current.isEmpty() && (files + mFiles > maxFiles || bytes + mBytes > maxBytes)) {
        batches.add(current);
        current = new ArrayList<>();
        files = 0;
        bytes = 0;
      }
      current.add(m);
      files += mFiles;
      bytes += mBytes;
    }
    if (!current.isEmpty()) {
      batches.add(current);
    }
    return batches;
  }
}
