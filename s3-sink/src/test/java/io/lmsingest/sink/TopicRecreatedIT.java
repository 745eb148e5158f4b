package io.lmsingest.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.lmsingest.schemas.ManifestJson;
import io.lmsingest.sink.upload.ForeignIncarnationException;
import io.lmsingest.testkit.IntegrationTest;
import io.lmsingest.testkit.KafkaFixture;
import io.lmsingest.testkit.RegistryFixture;
import io.lmsingest.testkit.S3Fixture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The input topic deleted and created again (or the broker's storage wiped, as the README's "delete
 * DIR/kafka" does): its offsets start at 0 again and name keys Bronze already holds. The sink must
 * not adopt those objects (the new records would be skipped for good): it stops with an error that
 * says what happened and what to do, and commits nothing.
 */
@IntegrationTest
class TopicRecreatedIT {
  @Test
  void aRecreatedTopicStopsTheSinkInsteadOfAdoptingTheOldIncarnationsObjects(
      KafkaFixture kafka, RegistryFixture registry, S3Fixture s3, @TempDir Path dir)
      throws Exception {
    String topic = kafka.createTopic("v1", 1);
    String manifests = kafka.createTopic("manifests", 1);
    String bucket = s3.newBucket();
    String group = "sink-" + UUID.randomUUID();
    BronzeAudit.fillV1(kafka, registry, topic, 20_000, 7);
    BronzeSink first = BronzeSinkIT.sink(kafka, registry, s3, bucket, topic, manifests, group, dir);
    Thread thread = new Thread(first::run, "sink-first-incarnation");
    thread.start();
    kafka.awaitCommittedToEnd(group, topic, Duration.ofMinutes(2));
    first.stop();
    thread.join(30_000);
    first.close();
    List<String> before = objects(s3, bucket);
    assertThat(before).isNotEmpty();
    // Every manifest names the incarnation its files came from.
    String topicId =
        kafka
            .admin()
            .describeTopics(List.of(topic))
            .allTopicNames()
            .get()
            .get(topic)
            .topicId()
            .toString();
    assertThat(s3.client().listObjectsV2(b -> b.bucket(bucket).prefix("manifests/")).contents())
        .isNotEmpty()
        .allSatisfy(
            m ->
                assertThat(
                        ManifestJson.read(
                                s3.client()
                                    .getObjectAsBytes(b -> b.bucket(bucket).key(m.key()))
                                    .asUtf8String(),
                                m.key())
                            .getTopicId())
                    .isEqualTo(topicId));

    recreate(kafka, topic);
    BronzeAudit.fillV1(kafka, registry, topic, 20_000, 8); // other records under the same offsets

    BronzeSink second =
        BronzeSinkIT.sink(kafka, registry, s3, bucket, topic, manifests, group, dir.resolve("2"));
    AtomicReference<Throwable> stopped = new AtomicReference<>();
    Thread again =
        new Thread(
            () -> {
              try {
                second.run();
              } catch (Throwable t) {
                stopped.set(t);
              }
            },
            "sink-second-incarnation");
    again.start();
    again.join(120_000);
    try {
      assertThat(again.isAlive()).as("the sink stops by itself").isFalse();
      assertThat(stopped.get())
          .isInstanceOf(ForeignIncarnationException.class)
          .hasMessageContaining("another incarnation of the topic")
          .hasMessageContaining("bronze.prefix");
      Map<TopicPartition, OffsetAndMetadata> committed =
          kafka.admin().listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
      assertThat(committed.get(new TopicPartition(topic, 0)))
          .as("nothing of the new incarnation committed")
          .isNull();
      assertThat(objects(s3, bucket)).as("the old objects are left as they were").isEqualTo(before);
    } finally {
      second.stop();
      again.join(30_000);
      second.close();
    }
  }

  private static List<String> objects(S3Fixture s3, String bucket) {
    return s3.client().listObjectsV2(b -> b.bucket(bucket).prefix("bronze/")).contents().stream()
        .map(o -> o.key() + "@" + o.size() + "@" + o.eTag())
        .sorted()
        .toList();
  }

  /** Deletes the topic and creates it again under the same name (deletion completes async). */
  private static void recreate(KafkaFixture kafka, String topic) throws Exception {
    kafka.admin().deleteTopics(List.of(topic)).all().get();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      try {
        kafka.admin().createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        return;
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException) || System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(200);
      }
    }
  }
}
