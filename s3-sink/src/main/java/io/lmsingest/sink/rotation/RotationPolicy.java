package io.lmsingest.sink.rotation;

import java.time.Duration;

/**
 * When an open Bronze file is finished: enough records, enough bytes, or old enough. A pure
 * function of what is passed in. Age counts from the file's first record, so the first record after
 * an idle spell opens a young file instead of producing a stream of one-record files.
 */
public record RotationPolicy(long maxRecords, long maxBytes, Duration maxAge) {
  public RotationPolicy {
    if (maxRecords < 1 || maxBytes < 1 || maxAge.isNegative() || maxAge.isZero()) {
      throw new IllegalArgumentException(
          "rotation needs max records >= 1, max bytes >= 1 and max age > 0, got "
              + maxRecords
              + ", "
              + maxBytes
              + ", "
              + maxAge);
    }
  }

  /** Why a file is finished, or {@link Reason#NONE}. */
  public enum Reason {
    NONE,
    RECORDS,
    BYTES,
    AGE,
    /** Not due by itself: the largest open file when all together are over the memory budget. */
    MEMORY
  }

  /**
   * @param records records in the open file
   * @param bytes its size so far (written plus buffered estimate)
   * @param age time since its first record
   */
  public Reason check(long records, long bytes, Duration age) {
    if (records == 0) {
      return Reason.NONE; // nothing to finish: an empty file is never written
    }
    if (records >= maxRecords) {
      return Reason.RECORDS;
    }
    if (bytes >= maxBytes) {
      return Reason.BYTES;
    }
    if (age.compareTo(maxAge) >= 0) {
      return Reason.AGE;
    }
    return Reason.NONE;
  }
}
