package io.lmsingest.validator;

import static org.assertj.core.api.Assertions.assertThat;

import io.lmsingest.kit.alert.Alert;
import io.lmsingest.kit.kafka.GroupLag;
import io.lmsingest.schemas.LearnerActivity;
import io.lmsingest.serde.RegistryAvroDeserializer;
import io.lmsingest.serde.RegistryAvroSerializer;
import io.lmsingest.serde.RegistrySerdeConfig;
import io.lmsingest.simulator.timeline.ActivityTimeline;
import io.lmsingest.simulator.timeline.TimelineSettings;
import io.lmsingest.testkit.IntegrationTest;
import io.lmsingest.testkit.KafkaFixture;
import io.lmsingest.testkit.RegistryFixture;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The validator was down longer than raw's retention: when it starts again, the records it never
 * read and that retention deleted are counted, logged and alerted with their offsets (Kafka Streams
 * alone would reset to the earliest offset without a word); what is left reaches v1 exactly once.
 * Retention is played by the admin's deleteRecords.
 */
@IntegrationTest
class RawRecordsExpiredIT {
  static final int BATCH = 5_000;

  @Test
  void rawRecordsDeletedWhileTheValidatorWasDownAreAlertedWithTheirOffsets(
      KafkaFixture kafka, RegistryFixture registry, @TempDir Path state) throws Exception {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String raw = "raw-" + suffix;
    String v1 = "v1-" + suffix;
    String group = "validator-" + suffix;
    Map<String, String> settings = new HashMap<>();
    settings.put(ValidatorConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
    settings.put(ValidatorConfig.REGISTRY_URL, registry.url());
    settings.put(ValidatorConfig.APPLICATION_ID, group);
    settings.put(ValidatorConfig.RAW_TOPIC, raw);
    settings.put(ValidatorConfig.V1_TOPIC, v1);
    settings.put(ValidatorConfig.DLQ_TOPIC, "dlq-" + suffix);
    settings.put(ValidatorConfig.STATE_DIR, state.toString());
    settings.put(ValidatorConfig.PARTITIONS, "2");
    ValidatorConfig config = new ValidatorConfig(settings);
    ActivityTimeline timeline =
        new ActivityTimeline(
            new TimelineSettings(
                37,
                Instant.now().minus(Duration.ofDays(2)),
                1_000_000,
                OptionalLong.of(2 * BATCH),
                0.2,
                0.01,
                1));

    List<Alert> firstAlerts = new CopyOnWriteArrayList<>();
    try (ValidatorApp app = ValidatorApp.create(config, firstAlerts::add)) { // creates the topics
      produce(kafka, registry, raw, timeline, 0, BATCH);
      app.start();
      kafka.awaitCommittedToEnd(group, raw, Duration.ofMinutes(2));
    }
    assertThat(firstAlerts).as("nothing expired on the first run").isEmpty();

    // While it is down: more records, then retention takes about half of them.
    produce(kafka, registry, raw, timeline, BATCH, 2 * BATCH);
    Map<TopicPartition, Long> committed = new HashMap<>();
    kafka
        .admin()
        .listConsumerGroupOffsets(group)
        .partitionsToOffsetAndMetadata()
        .get()
        .forEach((tp, offset) -> committed.put(tp, offset.offset()));
    Map<TopicPartition, Long> ends = GroupLag.endOffsets(kafka.admin(), raw);
    Map<TopicPartition, RecordsToDelete> deletions = new HashMap<>();
    long expectedGap = 0;
    for (TopicPartition tp : ends.keySet()) {
      long first = committed.get(tp) + (ends.get(tp) - committed.get(tp)) / 2;
      deletions.put(tp, RecordsToDelete.beforeOffset(first));
      expectedGap += first - committed.get(tp);
    }
    kafka.admin().deleteRecords(deletions).all().get();
    List<GroupLag.Gap> gaps = GroupLag.expired(kafka.admin(), group, raw);
    assertThat(gaps).hasSize(2);
    Set<String> survivors = versions(kafka, registry, raw); // what raw still holds

    List<Alert> alerts = new CopyOnWriteArrayList<>();
    try (ValidatorApp app = ValidatorApp.create(config, alerts::add)) {
      app.start();
      kafka.awaitCommittedToEnd(group, raw, Duration.ofMinutes(2));
      assertThat(app.metrics().get(ValidatorApp.OFFSETS_EXPIRED)).isEqualTo(expectedGap);
    }
    assertThat(alerts)
        .filteredOn(a -> a.incident().equals(ValidatorApp.RAW_EXPIRED))
        .singleElement()
        .satisfies(
            a -> {
              for (GroupLag.Gap gap : gaps) {
                assertThat(a.detail()).contains(gap.toString());
              }
            });

    // v1: the first batch and the survivors of the second, each once; nothing of the gap.
    Set<String> expected = new HashSet<>(survivors);
    for (long slot = 0; slot < BATCH; slot++) {
      LearnerActivity a = timeline.recordAt(slot);
      expected.add(a.getActivityId() + "@" + a.getUpdatedAt());
    }
    assertThat(expected).hasSizeLessThan(2 * BATCH);
    assertThat(versions(kafka, registry, v1)).isEqualTo(expected);
  }

  private static void produce(
      KafkaFixture kafka,
      RegistryFixture registry,
      String raw,
      ActivityTimeline timeline,
      long from,
      long to) {
    Map<String, Object> producerConfig = new HashMap<>(kafka.producerConfig());
    producerConfig.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "raw-writer-" + raw + "-" + from);
    RegistryAvroSerializer<LearnerActivity> serializer = new RegistryAvroSerializer<>();
    serializer.configure(Map.of(RegistrySerdeConfig.SCHEMA_REGISTRY_URL, registry.url()), false);
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(producerConfig, new StringSerializer(), new ByteArraySerializer())) {
      producer.initTransactions();
      producer.beginTransaction();
      for (long slot = from; slot < to; slot++) {
        LearnerActivity a = timeline.recordAt(slot);
        producer.send(new ProducerRecord<>(raw, a.getActivityId(), serializer.serialize(raw, a)));
        if (slot % 500 == 499) { // small transactions: the deletions fall between records
          producer.commitTransaction();
          producer.beginTransaction();
        }
      }
      producer.commitTransaction();
    }
  }

  /** Every "activity_id@updated_at" of a topic's committed records, failing on a repeat. */
  private static Set<String> versions(KafkaFixture kafka, RegistryFixture registry, String topic)
      throws Exception {
    RegistryAvroDeserializer<LearnerActivity> reader = new RegistryAvroDeserializer<>();
    reader.configure(
        Map.of(
            RegistrySerdeConfig.SCHEMA_REGISTRY_URL,
            registry.url(),
            RegistrySerdeConfig.SPECIFIC_AVRO_READER,
            "true"),
        false);
    Map<String, Object> consumerConfig = new HashMap<>(kafka.consumerConfig());
    consumerConfig.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID());
    Map<TopicPartition, Long> ends = GroupLag.endOffsets(kafka.admin(), topic);
    Set<String> versions = new HashSet<>();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(
            consumerConfig, new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.assign(ends.keySet());
      consumer.seekToBeginning(ends.keySet());
      long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
      while (ends.keySet().stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
        assertThat(System.nanoTime()).as("read %s to its end", topic).isLessThan(deadline);
        for (var record : consumer.poll(Duration.ofMillis(500))) {
          LearnerActivity a = reader.deserialize(topic, record.value());
          assertThat(versions.add(a.getActivityId() + "@" + a.getUpdatedAt()))
              .as("twice in %s", topic)
              .isTrue();
        }
      }
    }
    return versions;
  }
}
