package io.lmsingest.sink.bronze;

import io.lmsingest.schemas.BronzeLayout;
import io.lmsingest.sink.upload.ForeignIncarnationException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Finds the Bronze object that already holds a given offset of a partition inside it (not at its
 * start): where a sink reset to an arbitrary offset (a replay to a datetime, Kafka's own reset
 * tool, {@code --to-earliest} after retention moved the log start) must continue after, instead of
 * writing a second, overlapping object. Looks in the {@code dt=} folders of the day of the record's
 * timestamp and the days either side: a file's first record is at most one rotation older than its
 * later ones.
 */
public final class BronzeCoverage {
  /** An existing object holding offsets {@code [start, end]} of the partition. */
  public record CoveringObject(String key, long start, long end) {}

  private final S3Client s3;
  private final String bucket;
  private final String prefix;
  private final String topic;
  private final Supplier<String> topicId;

  public BronzeCoverage(
      S3Client s3, String bucket, String prefix, String topic, Supplier<String> topicId) {
    this.s3 = s3;
    this.bucket = bucket;
    this.prefix = prefix;
    this.topic = topic;
    this.topicId = topicId;
  }

  /**
   * The object with {@code start < offset <= end}, if Bronze has one. An object from another
   * incarnation of the topic is never trusted: {@link ForeignIncarnationException}.
   */
  public Optional<CoveringObject> covering(int partition, long offset, Instant recordTimestamp) {
    Optional<S3Object> best = Optional.empty();
    long bestStart = -1;
    for (int day = -1; day <= 1; day++) {
      Instant when = recordTimestamp.plus(Duration.ofDays(day));
      String folder =
          new BronzeObjectKey(prefix, topic, partition, 0, when)
              .key()
              .replaceFirst("[0-9]{20}\\.parquet$", "");
      for (S3Object o :
          s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(folder)).contents()) {
        long start = startOf(o.key());
        if (start < offset && start > bestStart) {
          bestStart = start;
          best = Optional.of(o);
        }
      }
    }
    if (best.isEmpty()) {
      return Optional.empty();
    }
    String key = best.get().key();
    HeadObjectResponse head = s3.headObject(b -> b.bucket(bucket).key(key));
    Map<String, String> meta = head.metadata();
    String stored = meta.getOrDefault(BronzeLayout.META_TOPIC_ID, "");
    if (!stored.isEmpty() && !stored.equals(topicId.get())) {
      throw new ForeignIncarnationException(key, stored, topicId.get());
    }
    long end = Long.parseLong(meta.getOrDefault(BronzeLayout.META_END_OFFSET, "-1"));
    return end >= offset ? Optional.of(new CoveringObject(key, bestStart, end)) : Optional.empty();
  }

  private static long startOf(String key) {
    int plus = key.lastIndexOf('+');
    int dot = key.lastIndexOf(".parquet");
    if (plus < 0 || dot < plus) {
      return -1;
    }
    try {
      return Long.parseLong(key.substring(plus + 1, dot));
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
