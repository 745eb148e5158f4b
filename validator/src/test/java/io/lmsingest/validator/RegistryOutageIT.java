package io.lmsingest.validator;

import static org.assertj.core.api.Assertions.assertThat;

import io.lmsingest.kit.alert.Alert;
import io.lmsingest.schemas.LearnerActivity;
import io.lmsingest.serde.RegistryAvroSerializer;
import io.lmsingest.serde.RegistrySerdeConfig;
import io.lmsingest.simulator.timeline.ActivityTimeline;
import io.lmsingest.simulator.timeline.TimelineSettings;
import io.lmsingest.testkit.IntegrationTest;
import io.lmsingest.testkit.KafkaFixture;
import io.lmsingest.testkit.RegistryFixture;
import io.lmsingest.testkit.RegistryProxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry unavailable while valid records wait on the raw topic: none goes to the DLQ, the
 * validator alerts and waits, and once the registry answers every record reaches v1 exactly once.
 */
@IntegrationTest
class RegistryOutageIT {
  static final int RECORDS = 3_000;

  /** The registry behind the proxy wants basic auth: the validator reads it from its secret. */
  static final String USER_INFO = "validator:canary-Registry-Pass";

  static final String EXPECTED_AUTH =
      "Basic "
          + java.util.Base64.getEncoder()
              .encodeToString(USER_INFO.getBytes(StandardCharsets.UTF_8));

  @Test
  void validRecordsWaitForAnUnavailableRegistryInsteadOfGoingToTheDlq(
      KafkaFixture kafka, RegistryFixture registry, @TempDir Path state) throws Exception {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String raw = "raw-" + suffix;
    String v1 = "v1-" + suffix;
    String dlq = "dlq-" + suffix;
    RegistryProxy proxy = new RegistryProxy(registry.url(), Optional.of(EXPECTED_AUTH));
    proxy.down(true);
    try {
      Map<String, String> settings = new HashMap<>();
      settings.put(ValidatorConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
      settings.put(ValidatorConfig.REGISTRY_URL, proxy.url());
      settings.put(ValidatorConfig.APPLICATION_ID, "validator-" + suffix);
      settings.put(ValidatorConfig.RAW_TOPIC, raw);
      settings.put(ValidatorConfig.V1_TOPIC, v1);
      settings.put(ValidatorConfig.DLQ_TOPIC, dlq);
      settings.put(ValidatorConfig.STATE_DIR, state.toString());
      settings.put(ValidatorConfig.PARTITIONS, "2");
      settings.put(
          "schema.registry.basic.auth.user.info",
          "file:" + java.nio.file.Files.writeString(state.resolve("registry-auth"), USER_INFO));
      // A failed thread's tasks move on after the session timeout: the broker's least.
      settings.put("kafka.session.timeout.ms", "6000");
      List<Alert> alerts = new CopyOnWriteArrayList<>();
      try (ValidatorApp app = ValidatorApp.create(new ValidatorConfig(settings), alerts::add)) {
        writeRaw(kafka, registry, raw);
        app.start();

        // While the registry is down: the tasks fail and wait, nothing is rejected.
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while ((app.metrics().get("lms_validator_registry_unavailable_total") < 2
                || firing(alerts).isEmpty())
            && System.nanoTime() < deadline) {
          Thread.sleep(200);
        }
        assertThat(app.metrics().get("lms_validator_registry_unavailable_total"))
            .isGreaterThanOrEqualTo(2);
        assertThat(firing(alerts))
            .first()
            .satisfies(a -> assertThat(a.summary()).contains("waiting for the schema registry"));
        assertThat(count(kafka, dlq, Duration.ofSeconds(2))).as("nothing in the DLQ").isZero();

        // Back: every record reaches v1 once, the DLQ stays empty, the alert resolves.
        proxy.down(false);
        deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (count(kafka, v1, Duration.ofMillis(500)) < RECORDS && System.nanoTime() < deadline) {
          Thread.sleep(500);
        }
        assertThat(count(kafka, v1, Duration.ofSeconds(2))).isEqualTo(RECORDS);
        assertThat(count(kafka, dlq, Duration.ofSeconds(1))).isZero();
        deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (alerts.stream().noneMatch(a -> a.state() == Alert.State.RESOLVED)
            && System.nanoTime() < deadline) {
          Thread.sleep(200);
        }
        assertThat(alerts)
            .filteredOn(a -> a.incident().equals(ValidatorApp.REGISTRY_UNAVAILABLE))
            .extracting(Alert::state)
            .containsExactly(Alert.State.FIRING, Alert.State.RESOLVED);
      }
    } finally {
      proxy.close();
    }
  }

  private static List<Alert> firing(List<Alert> alerts) {
    return alerts.stream()
        .filter(a -> a.incident().equals(ValidatorApp.REGISTRY_UNAVAILABLE))
        .filter(a -> a.state() == Alert.State.FIRING)
        .toList();
  }

  private static void writeRaw(KafkaFixture kafka, RegistryFixture registry, String raw) {
    ActivityTimeline timeline =
        new ActivityTimeline(
            new TimelineSettings(
                41,
                Instant.now().minus(Duration.ofDays(1)),
                1_000_000,
                OptionalLong.of(RECORDS),
                0.2,
                0.01,
                1));
    RegistryAvroSerializer<LearnerActivity> serializer = new RegistryAvroSerializer<>();
    serializer.configure(Map.of(RegistrySerdeConfig.SCHEMA_REGISTRY_URL, registry.url()), false);
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            kafka.producerConfig(), new StringSerializer(), new ByteArraySerializer())) {
      for (long slot = 0; slot < RECORDS; slot++) {
        LearnerActivity a = timeline.recordAt(slot);
        producer.send(new ProducerRecord<>(raw, a.getActivityId(), serializer.serialize(raw, a)));
      }
    }
  }

  /** Committed records on {@code topic} (2 partitions), read from the start. */
  private static int count(KafkaFixture kafka, String topic, Duration quiet) {
    Map<String, Object> config =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            kafka.bootstrapServers(),
            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
            "read_committed");
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          IntStream.range(0, 2).mapToObj(p -> new TopicPartition(topic, p)).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      int n = 0;
      int got;
      do {
        got = consumer.poll(quiet).count();
        n += got;
      } while (got > 0);
      return n;
    }
  }
}
