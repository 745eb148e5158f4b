package io.lmsingest.sink.bronze;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The deterministic object key of a Bronze file: {@code
 * bronze/learner_activity/dt=YYYY-MM-DD/<topic>+<partition>+<startOffset, 20 digits>.parquet}. The
 * same records always get the same key, so a retried upload is a conditional create of the same
 * object, never a second copy; {@code dt} comes from the first record's Kafka timestamp, never the
 * wall clock.
 */
public record BronzeObjectKey(
    String prefix, String topic, int partition, long startOffset, Instant firstRecordTimestamp) {
  private static final DateTimeFormatter DAY =
      DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);

  public BronzeObjectKey {
    if (topic.contains("+") || topic.contains("/")) {
      throw new IllegalArgumentException(
          "topic name '" + topic + "' cannot be part of a Bronze key ('+' and '/' are separators)");
    }
    if (partition < 0 || startOffset < 0) {
      throw new IllegalArgumentException("partition and start offset must be >= 0");
    }
  }

  public String key() {
    return prefix
        + "/dt="
        + DAY.format(firstRecordTimestamp)
        + "/"
        + topic
        + "+"
        + partition
        + "+"
        + String.format("%020d", startOffset)
        + ".parquet";
  }

  @Override
  public String toString() {
    return key();
  }
}
