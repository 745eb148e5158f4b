package io.lmsingest.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.lmsingest.testkit.IntegrationTest;
import io.lmsingest.testkit.KafkaFixture;
import io.lmsingest.testkit.RegistryFixture;
import io.lmsingest.testkit.S3Fixture;
import io.lmsingest.testkit.WarehouseFixture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/**
 * Replays that start inside an existing Bronze file (an offset reset by Kafka's own tool or to a
 * datetime, or the earliest offset after retention moved the log start): the sink continues after
 * that file instead of writing an overlapping one, so Bronze keeps every offset once.
 */
@IntegrationTest
class MidFileReplayIT {
  @Test
  void resetsIntoTheMiddleOfFilesNeverDuplicateAnOffsetInBronze(
      KafkaFixture kafka,
      RegistryFixture registry,
      S3Fixture s3,
      WarehouseFixture warehouse,
      @TempDir Path dir)
      throws Exception {
    String topic = kafka.createTopic("v1", 1);
    String manifests = kafka.createTopic("manifests", 1);
    String bucket = s3.newBucket();
    String group = "sink-" + UUID.randomUUID();
    int records = 30_000;
    BronzeAudit.fillV1(kafka, registry, topic, records, 11);
    Set<String> expected = BronzeAudit.offsetsOf(kafka, topic, records);
    run(kafka, registry, s3, bucket, topic, manifests, group, dir.resolve("first"));
    List<String> before = objects(s3, bucket);
    assertThat(before).hasSizeGreaterThanOrEqualTo(3);
    TopicPartition tp = new TopicPartition(topic, 0);

    // 1. The group reset to the middle of the second file, as Kafka's reset tool would.
    long[] second = range(s3, bucket, before.get(1));
    long middle = (second[0] + second[1]) / 2;
    assertThat(middle).isGreaterThan(second[0]);
    kafka
        .admin()
        .alterConsumerGroupOffsets(group, Map.of(tp, new OffsetAndMetadata(middle)))
        .all()
        .get();
    BronzeSink replayed =
        run(kafka, registry, s3, bucket, topic, manifests, group, dir.resolve("2"));
    assertThat(objects(s3, bucket)).as("no new object").isEqualTo(before);
    assertThat(replayed.metrics().get("lms_sink_files_total")).isZero();

    // 2. Retention moved the log start into the middle of the first file; the group starts over.
    long[] first = range(s3, bucket, before.get(0));
    kafka
        .admin()
        .deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset((first[0] + first[1]) / 2)))
        .all()
        .get();
    kafka.admin().deleteConsumerGroupOffsets(group, Set.of(tp)).all().get();
    BronzeSink fresh = run(kafka, registry, s3, bucket, topic, manifests, group, dir.resolve("3"));
    assertThat(objects(s3, bucket)).as("no new object").isEqualTo(before);
    assertThat(fresh.metrics().get("lms_sink_files_total")).isZero();

    BronzeAudit.assertExactlyOnce(s3, warehouse, bucket, expected, dir);
  }

  /** Runs a sink until the group has committed the whole topic, then stops it. */
  private static BronzeSink run(
      KafkaFixture kafka,
      RegistryFixture registry,
      S3Fixture s3,
      String bucket,
      String topic,
      String manifests,
      String group,
      Path dir)
      throws Exception {
    BronzeSink sink = BronzeSinkIT.sink(kafka, registry, s3, bucket, topic, manifests, group, dir);
    Thread thread = new Thread(sink::run, "sink-under-replay");
    thread.start();
    try {
      kafka.awaitCommittedToEnd(group, topic, Duration.ofMinutes(2));
    } finally {
      sink.stop();
      thread.join(30_000);
      sink.close();
    }
    return sink;
  }

  private static List<String> objects(S3Fixture s3, String bucket) {
    return s3.client().listObjectsV2(b -> b.bucket(bucket).prefix("bronze/")).contents().stream()
        .map(o -> o.key() + "@" + o.eTag())
        .sorted()
        .toList();
  }

  /** [start, end] offsets of an object named in {@link #objects}. */
  private static long[] range(S3Fixture s3, String bucket, String object) {
    String key = object.substring(0, object.indexOf('@'));
    HeadObjectResponse head = s3.client().headObject(b -> b.bucket(bucket).key(key));
    return new long[] {
      Long.parseLong(head.metadata().get("lms-start-offset")),
      Long.parseLong(head.metadata().get("lms-end-offset"))
    };
  }
}
