package io.lmsingest.poller;

import static org.assertj.core.api.Assertions.assertThat;

import io.lmsingest.poller.kafka.PollerValueSerializer;
import io.lmsingest.poller.kafka.RecentChanges;
import io.lmsingest.serde.RegistryAvroDeserializer;
import io.lmsingest.serde.RegistryAvroSerializer;
import io.lmsingest.serde.RegistrySerdeConfig;
import io.lmsingest.testkit.IntegrationTest;
import io.lmsingest.testkit.KafkaFixture;
import io.lmsingest.testkit.RegistryFixture;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.generic.IndexedRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * A restart rebuilds the look-back window from the end of the raw topic. A killed poller leaves an
 * aborted transaction there that can span more offsets than the first step read back: that stretch
 * holds no committed change, and must not end the search (seen as a duplicate in raw after SIGKILLs
 * once transactions held ten pages).
 */
@IntegrationTest
class RecentChangesRestoreIT {
  static final Instant T0 = PageCommitTimeoutIT.T0;

  @Test
  void anAbortedTransactionLongerThanAStepDoesNotHideTheWindowBehindIt(
      KafkaFixture kafka, RegistryFixture registry) throws Exception {
    String raw = kafka.createTopic("raw", 1);
    Map<String, Object> config = kafka.producerConfig();
    config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "restore-" + UUID.randomUUID());
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    RegistryAvroSerializer<IndexedRecord> avro = new RegistryAvroSerializer<>();
    avro.configure(Map.of(RegistrySerdeConfig.SCHEMA_REGISTRY_URL, registry.url()), false);
    try (KafkaProducer<String, Object> producer =
        new KafkaProducer<>(config, new StringSerializer(), new PollerValueSerializer(avro))) {
      producer.initTransactions();
      producer.beginTransaction();
      for (int i = 0; i < 10; i++) {
        producer.send(new ProducerRecord<>(raw, "c" + i, PageCommitTimeoutIT.activity("c" + i, i)));
      }
      producer.commitTransaction();
      // A poller killed mid-transaction: 1,500 offsets that read_committed never returns.
      producer.beginTransaction();
      for (int i = 0; i < 1_500; i++) {
        producer.send(
            new ProducerRecord<>(raw, "a" + i, PageCommitTimeoutIT.activity("a" + i, 20 + i)));
      }
      producer.flush();
      producer.abortTransaction();
    }

    Map<String, Object> consumerConfig = new HashMap<>(kafka.consumerConfig());
    consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    RegistryAvroDeserializer<IndexedRecord> values = RawTopic.specificReader(registry.url());
    try (KafkaConsumer<String, IndexedRecord> consumer =
        new KafkaConsumer<>(consumerConfig, new StringDeserializer(), values)) {
      RecentChanges recent =
          RecentChanges.restore(
              consumer,
              raw,
              T0.minus(Duration.ofMinutes(1)),
              Duration.ofMinutes(5),
              2_000_000,
              Duration.ofSeconds(60));
      assertThat(recent.size())
          .as("the ten committed changes before the aborted ones")
          .isEqualTo(10);
    }
  }
}
