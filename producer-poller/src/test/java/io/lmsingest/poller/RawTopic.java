package io.lmsingest.poller;

import io.lmsingest.kit.kafka.TopicReader;
import io.lmsingest.schemas.LearnerActivity;
import io.lmsingest.serde.RegistryAvroDeserializer;
import io.lmsingest.serde.RegistrySerdeConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads a whole topic as a read_committed consumer would, for assertions. */
final class RawTopic {
  record Entry(String key, LearnerActivity value, byte[] rawValue, List<Header> headers) {}

  static List<Entry> readAll(String bootstrap, String registryUrl, String topic) {
    List<Entry> out = new ArrayList<>();
    scan(bootstrap, registryUrl, topic, out::add);
    return out;
  }

  /** A value deserializer of the registry's records into their generated (specific) classes. */
  static <T> RegistryAvroDeserializer<T> specificReader(String registryUrl) {
    RegistryAvroDeserializer<T> values = new RegistryAvroDeserializer<>();
    values.configure(
        Map.of(
            RegistrySerdeConfig.SCHEMA_REGISTRY_URL,
            registryUrl,
            RegistrySerdeConfig.SPECIFIC_AVRO_READER,
            "true"),
        false);
    return values;
  }

  /** Streams every committed record of {@code topic} to {@code visitor}, holding none of them. */
  static void scan(String bootstrap, String registryUrl, String topic, Consumer<Entry> visitor) {
    RegistryAvroDeserializer<LearnerActivity> values = specificReader(registryUrl);
    scanBytes(
        bootstrap,
        topic,
        r ->
            visitor.accept(
                new Entry(
                    r.key(),
                    values.deserialize(topic, r.value()),
                    r.value(),
                    List.of(r.headers().toArray()))));
  }

  /** Every committed record of a topic of plain bytes (the DLQ), partition by partition. */
  static List<ConsumerRecord<String, byte[]>> readBytes(String bootstrap, String topic) {
    List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
    scanBytes(bootstrap, topic, out::add);
    return out;
  }

  private static void scanBytes(
      String bootstrap, String topic, Consumer<ConsumerRecord<String, byte[]>> visitor) {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
      TopicReader.readAll(consumer, topic, Duration.ofMinutes(3), visitor);
    }
  }

  /**
   * The versions in {@code topic} as "id@updated_at" (failing on a duplicate), with key =
   * activity_id checked.
   */
  static Set<String> versions(String bootstrap, String registryUrl, String topic) {
    Set<String> seen = new HashSet<>();
    scan(
        bootstrap,
        registryUrl,
        topic,
        e -> {
          if (!e.key().equals(e.value().getActivityId())) {
            throw new AssertionError(
                "key " + e.key() + " is not activity_id " + e.value().getActivityId());
          }
          if (!seen.add(
              e.value().getActivityId() + "@" + e.value().getUpdatedAt().toEpochMilli())) {
            throw new AssertionError(
                "duplicate "
                    + e.value().getActivityId()
                    + "@"
                    + e.value().getUpdatedAt()
                    + " in "
                    + topic);
          }
        });
    return seen;
  }
}
