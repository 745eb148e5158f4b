package io.lmsingest.sink.commit;

import io.lmsingest.schemas.BronzeManifest;
import io.lmsingest.sink.bronze.WrittenFile;
import java.time.Duration;

/**
 * A Bronze file made durable: the object as stored, whether it was adopted, where the local file
 * had ended, and its manifest (in S3 and announced). What the sink commits offsets from.
 */
public record DurableFile(
    WrittenFile stored,
    boolean adopted,
    long localEndOffset,
    BronzeManifest manifest,
    Duration upload) {
  /** The offset to commit: the next record after the stored object. */
  public long nextOffset() {
    return stored.endOffset() + 1;
  }

  /**
   * An adopted object that ends elsewhere than the local file did: the partition's consumer
   * position must move to {@link #nextOffset()} (what was buffered past it, or short of it, is read
   * again).
   */
  public boolean movesPosition() {
    return adopted && stored.endOffset() != localEndOffset;
  }
}
