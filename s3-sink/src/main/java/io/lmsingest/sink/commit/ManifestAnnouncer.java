package io.lmsingest.sink.commit;

import io.lmsingest.schemas.BronzeManifest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.avro.generic.IndexedRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InterruptException;

/**
 * Where manifests are announced besides S3: the manifest topic, or nowhere (benchmarks, tests of
 * Bronze alone).
 */
public interface ManifestAnnouncer {
  /** Sends a manifest; it must be durable once {@link #awaitAll} returns. */
  void announce(BronzeManifest manifest);

  /** Waits until everything announced is durable; throws if any send failed. */
  void awaitAll();

  ManifestAnnouncer NONE =
      new ManifestAnnouncer() {
        @Override
        public void announce(BronzeManifest manifest) {}

        @Override
        public void awaitAll() {}
      };

  /** Announces on {@code topic}, key = batch id (the producer is idempotent, acks=all). */
  static ManifestAnnouncer kafka(Producer<String, IndexedRecord> producer, String topic) {
    return new ManifestAnnouncer() {
      private final List<Future<RecordMetadata>> sent = new ArrayList<>();

      @Override
      public void announce(BronzeManifest manifest) {
        sent.add(producer.send(new ProducerRecord<>(topic, manifest.getBatchId(), manifest)));
      }

      @Override
      public void awaitAll() {
        producer.flush();
        try {
          for (Future<RecordMetadata> future : sent) {
            future.get();
          }
        } catch (ExecutionException e) {
          throw e.getCause() instanceof KafkaException k
              ? k
              : new KafkaException("manifest not published", e.getCause());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptException(e);
        } finally {
          sent.clear();
        }
      }
    };
  }
}
