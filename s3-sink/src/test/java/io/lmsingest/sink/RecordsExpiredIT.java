package io.lmsingest.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.lmsingest.kit.alert.Alert;
import io.lmsingest.kit.kafka.GroupLag;
import io.lmsingest.testkit.IntegrationTest;
import io.lmsingest.testkit.KafkaFixture;
import io.lmsingest.testkit.RegistryFixture;
import io.lmsingest.testkit.S3Fixture;
import io.lmsingest.testkit.WarehouseFixture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sink was down longer than v1's retention: records it never read are gone from Kafka when it
 * comes back. It goes on from the first offset left, and the gap is counted, logged and alerted
 * with its offsets, never passed in silence. Retention is played by the admin's deleteRecords,
 * which moves a partition's first offset exactly as a deleted segment does.
 */
@IntegrationTest
class RecordsExpiredIT {
  static final int BATCH = 20_000;

  @Test
  void recordsDeletedBeforeTheSinkReadThemAreCountedAndAlertedAndTheRestLandsExactlyOnce(
      KafkaFixture kafka,
      RegistryFixture registry,
      S3Fixture s3,
      WarehouseFixture warehouse,
      @TempDir Path dir)
      throws Exception {
    String topic = kafka.createTopic("v1-expired", 2);
    String manifestTopic = kafka.createTopic("manifests-expired", 1);
    String bucket = s3.newBucket();
    String group = "sink-expired-" + UUID.randomUUID();

    BronzeAudit.fillV1(kafka, registry, topic, BATCH, 71);
    run(
        BronzeSinkIT.sink(kafka, registry, s3, bucket, topic, manifestTopic, group, dir),
        kafka,
        group,
        topic);
    Map<TopicPartition, Long> committed = GroupLag.endOffsets(kafka.admin(), topic);

    // While the sink is down: more records, then retention takes the first half of them.
    BronzeAudit.fillV1(kafka, registry, topic, BATCH, 72);
    Set<String> all = BronzeAudit.offsetsOf(kafka, topic, 2 * BATCH);
    Map<TopicPartition, Long> ends = GroupLag.endOffsets(kafka.admin(), topic);
    Map<TopicPartition, RecordsToDelete> deletions = new HashMap<>();
    Map<TopicPartition, Long> firsts = new HashMap<>();
    long expectedGap = 0;
    for (TopicPartition tp : ends.keySet()) {
      long first = committed.get(tp) + (ends.get(tp) - committed.get(tp)) / 2;
      firsts.put(tp, first);
      deletions.put(tp, RecordsToDelete.beforeOffset(first));
      expectedGap += first - committed.get(tp);
    }
    kafka.admin().deleteRecords(deletions).all().get();

    List<Alert> alerts = new CopyOnWriteArrayList<>();
    BronzeSink sink =
        BronzeSinkIT.sink(
            kafka, registry, s3, bucket, topic, manifestTopic, group, dir, alerts::add);
    run(sink, kafka, group, topic);

    assertThat(sink.metrics().get(BronzeSink.OFFSETS_EXPIRED)).isEqualTo(expectedGap);
    assertThat(alerts)
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.incident()).isEqualTo(BronzeSink.RECORDS_EXPIRED);
              assertThat(a.state()).isEqualTo(Alert.State.FIRING);
              // One alert per incident: the partitions' gaps surface one poll apart, and those
              // after the first are in the log and the metric.
              assertThat(
                      firsts.keySet().stream()
                          .filter(
                              tp ->
                                  a.detail()
                                      .contains(
                                          tp
                                              + " offsets "
                                              + committed.get(tp)
                                              + ".."
                                              + (firsts.get(tp) - 1))))
                  .isNotEmpty();
            });
    // Bronze: the records read before the outage, and those retention left; nothing twice.
    Set<String> expected =
        all.stream()
            .filter(
                po -> {
                  String[] parts = po.split("/");
                  TopicPartition tp = new TopicPartition(topic, Integer.parseInt(parts[0]));
                  long offset = Long.parseLong(parts[1]);
                  return offset < committed.get(tp) || offset >= firsts.get(tp);
                })
            .collect(Collectors.toSet());
    assertThat(expected).hasSizeLessThan(all.size());
    BronzeAudit.assertExactlyOnce(s3, warehouse, bucket, expected, dir);
  }

  /** Runs {@code sink} until its group has committed the topic's end, then stops it. */
  private static void run(BronzeSink sink, KafkaFixture kafka, String group, String topic)
      throws Exception {
    Thread thread = new Thread(sink::run, "sink-expired");
    thread.start();
    try {
      kafka.awaitCommittedToEnd(group, topic, Duration.ofMinutes(2));
    } finally {
      sink.stop();
      thread.join(30_000);
      sink.close();
    }
  }
}
