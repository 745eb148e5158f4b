package io.lmsingest.validator;

import static org.assertj.core.api.Assertions.assertThat;

import io.lmsingest.kit.alert.Alert;
import io.lmsingest.schemas.LearnerActivity;
import io.lmsingest.serde.RegistryAvroDeserializer;
import io.lmsingest.serde.RegistryAvroSerializer;
import io.lmsingest.serde.RegistrySerdeConfig;
import io.lmsingest.simulator.timeline.ActivityTimeline;
import io.lmsingest.simulator.timeline.TimelineSettings;
import io.lmsingest.testkit.IntegrationTest;
import io.lmsingest.testkit.KafkaFixture;
import io.lmsingest.testkit.RegistryFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@IntegrationTest
class ValidatorIT {
  static final int VALID = Integer.getInteger("lms.it.validator.records", 200_000);

  @Test
  void everyRawRecordLandsExactlyOnceInV1OrTheDlqAndPoisonNeverStalls(
      KafkaFixture kafka, RegistryFixture registry, @TempDir Path state) throws Exception {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String raw = "raw-" + suffix;
    Map<String, String> settings = new HashMap<>();
    settings.put(ValidatorConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
    settings.put(ValidatorConfig.REGISTRY_URL, registry.url());
    settings.put(ValidatorConfig.APPLICATION_ID, "validator-" + suffix);
    settings.put(ValidatorConfig.RAW_TOPIC, raw);
    settings.put(ValidatorConfig.V1_TOPIC, "v1-" + suffix);
    settings.put(ValidatorConfig.DLQ_TOPIC, "dlq-" + suffix);
    settings.put(ValidatorConfig.STATE_DIR, state.toString());
    settings.put(ValidatorConfig.PARTITIONS, "3");
    settings.put(ValidatorConfig.DLQ_ALERT_THRESHOLD, "10");
    settings.put("alert.lag.max.records", "1000");
    settings.put("alert.lag.for.ms", "1000");
    // Two stream threads share the topology's one serializer and one deserializer.
    settings.put("kafka.num.stream.threads", "2");
    ValidatorConfig config = new ValidatorConfig(settings);

    // Raw: valid changes from the simulator's timeline, with bad records mixed in at known places.
    ActivityTimeline timeline =
        new ActivityTimeline(
            new TimelineSettings(
                31,
                Instant.now().minus(Duration.ofDays(2)),
                1_000_000,
                OptionalLong.of(VALID),
                0.2,
                0.01,
                1));
    Set<String> expectedValid = new HashSet<>();
    Set<String> expectedRules = new HashSet<>();
    int invalid = 0;
    List<Alert> alerts = new CopyOnWriteArrayList<>();
    try (ValidatorApp app = ValidatorApp.create(config, alerts::add)) { // creates the topics
      Map<String, Object> producerConfig = new HashMap<>(kafka.producerConfig());
      producerConfig.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "raw-writer-" + suffix);
      RegistryAvroSerializer<LearnerActivity> serializer = new RegistryAvroSerializer<>();
      serializer.configure(Map.of(RegistrySerdeConfig.SCHEMA_REGISTRY_URL, registry.url()), false);
      try (KafkaProducer<String, byte[]> producer =
          new KafkaProducer<>(producerConfig, new StringSerializer(), new ByteArraySerializer())) {
        producer.initTransactions();
        producer.beginTransaction();
        for (long slot = 0; slot < VALID; slot++) {
          LearnerActivity a = timeline.recordAt(slot);
          producer.send(new ProducerRecord<>(raw, a.getActivityId(), serializer.serialize(raw, a)));
          expectedValid.add(a.getActivityId() + "@" + a.getUpdatedAt());
          if (slot % 10_000 == 5) {
            LearnerActivity bad = LearnerActivity.newBuilder(a).setScore(-5.0).build();
            producer.send(
                new ProducerRecord<>(raw, a.getActivityId(), serializer.serialize(raw, bad)));
            producer.send(
                new ProducerRecord<>(
                    raw, "poison-" + slot, "{\"not\":\"avro\"}".getBytes(StandardCharsets.UTF_8)));
            producer.send(
                new ProducerRecord<>(raw, "unknown-id-" + slot, new byte[] {0, 0x7f, 1, 2, 3, 4}));
            producer.send(new ProducerRecord<>(raw, "tombstone-" + slot, null));
            invalid += 4;
            expectedRules.addAll(List.of("score_out_of_range", "undecodable", "null_value"));
          }
          if (slot % 50_000 == 0) {
            producer.commitTransaction();
            producer.beginTransaction();
          }
        }
        producer.commitTransaction();
      }

      long started = System.nanoTime();
      app.start();
      Map<String, Object> consumerConfig =
          Map.of(
              ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
              kafka.bootstrapServers(),
              ConsumerConfig.ISOLATION_LEVEL_CONFIG,
              "read_committed",
              ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
              5000);
      RegistryAvroDeserializer<LearnerActivity> reader = new RegistryAvroDeserializer<>();
      reader.configure(
          Map.of(
              RegistrySerdeConfig.SCHEMA_REGISTRY_URL,
              registry.url(),
              RegistrySerdeConfig.SPECIFIC_AVRO_READER,
              "true"),
          false);
      Set<String> v1 = new HashSet<>();
      int v1Count = 0;
      Set<String> dlqOffsets = new HashSet<>();
      Set<String> rules = new HashSet<>();
      try (KafkaConsumer<String, byte[]> consumer =
          new KafkaConsumer<>(
              consumerConfig, new StringDeserializer(), new ByteArrayDeserializer())) {
        List<TopicPartition> partitions =
            Stream.of("v1-" + suffix, "dlq-" + suffix)
                .flatMap(t -> IntStream.range(0, 3).mapToObj(p -> new TopicPartition(t, p)))
                .toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
        while (v1Count + dlqOffsets.size() < VALID + invalid && System.nanoTime() < deadline) {
          for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
            if (r.topic().startsWith("v1-")) {
              LearnerActivity a = reader.deserialize(r.topic(), r.value());
              assertThat(v1.add(a.getActivityId() + "@" + a.getUpdatedAt()))
                  .as("duplicate in v1")
                  .isTrue();
              v1Count++;
            } else {
              String source =
                  header(r, ValidatorTopology.HEADER_TOPIC)
                      + "/"
                      + header(r, ValidatorTopology.HEADER_PARTITION)
                      + "/"
                      + header(r, ValidatorTopology.HEADER_OFFSET);
              assertThat(dlqOffsets.add(source)).as("duplicate in dlq: %s", source).isTrue();
              assertThat(header(r, ValidatorTopology.HEADER_DETAIL)).isNotBlank();
              rules.add(header(r, ValidatorTopology.HEADER_RULE));
              if (r.key().startsWith("poison-")) {
                assertThat(
                        Arrays.equals(
                            r.value(), "{\"not\":\"avro\"}".getBytes(StandardCharsets.UTF_8)))
                    .as("original bytes kept")
                    .isTrue();
              }
            }
          }
        }
        // Nothing more arrives after the expected total (no duplicates trickling in).
        assertThat(consumer.poll(Duration.ofSeconds(2))).isEmpty();
      }
      long millis = (System.nanoTime() - started) / 1_000_000;
      System.out.printf(
          "validator: %d records in %d ms (%.0f/s)%n",
          VALID + invalid, millis, (VALID + invalid) * 1000.0 / millis);
      assertThat(app.streams().state()).isEqualTo(KafkaStreams.State.RUNNING);
      assertThat(v1).isEqualTo(expectedValid);
      assertThat(dlqOffsets).hasSize(invalid);
      assertThat(rules).containsExactlyInAnyOrderElementsOf(expectedRules);
      // More than alert.dlq.threshold records reached the DLQ: one alert (the watch looks every 5
      // s);
      // the raw topic filled while the validator was not running: the lag SLO fired, then resolved.
      long alertDeadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while ((incidents(alerts, "dlq-growing").isEmpty()
              || incidents(alerts, "lag-above-slo").size() < 2)
          && System.nanoTime() < alertDeadline) {
        Thread.sleep(200);
      }
      assertThat(incidents(alerts, "dlq-growing"))
          .singleElement()
          .satisfies(
              a -> {
                assertThat(a.state()).isEqualTo(Alert.State.FIRING);
                assertThat(a.detail()).contains("records rejected within the alert window");
              });
      assertThat(incidents(alerts, "lag-above-slo"))
          .extracting(Alert::state)
          .containsExactly(Alert.State.FIRING, Alert.State.RESOLVED);
      assertThat(incidents(alerts, "lag-above-slo").get(0).summary())
          .isEqualTo("group validator-" + suffix + " is more than 1000 records behind on " + raw);
    }
  }

  private static List<Alert> incidents(List<Alert> alerts, String incident) {
    return alerts.stream().filter(a -> a.incident().equals(incident)).toList();
  }

  private static String header(ConsumerRecord<?, ?> r, String name) {
    var h = r.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }
}
