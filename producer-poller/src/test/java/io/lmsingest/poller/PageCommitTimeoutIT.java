package io.lmsingest.poller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lmsingest.localstack.KafkaBroker;
import io.lmsingest.localstack.Ports;
import io.lmsingest.localstack.ServiceProcess;
import io.lmsingest.poller.api.PageRequest;
import io.lmsingest.poller.api.PageResult;
import io.lmsingest.poller.kafka.HighWaterMark;
import io.lmsingest.poller.kafka.PageWriter;
import io.lmsingest.poller.kafka.PollerValueSerializer;
import io.lmsingest.poller.kafka.RecentChanges;
import io.lmsingest.schemas.LearnerActivity;
import io.lmsingest.serde.RegistryAvroSerializer;
import io.lmsingest.serde.RegistrySerdeConfig;
import io.lmsingest.testkit.IntegrationTest;
import io.lmsingest.testkit.RegistryFixture;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.generic.IndexedRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broker that stops answering while a page commits (frozen with SIGSTOP: a long GC pause, a
 * network partition) makes {@code commitTransaction} time out with its outcome unknown. The page is
 * neither aborted (Kafka forbids it then) nor fetched again: the same commit is retried until the
 * broker answers, and the page's records are in the topic once. An abort that times out is retried
 * the same way before anything else.
 */
@IntegrationTest
class PageCommitTimeoutIT {
  static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");

  @Test
  void aCommitThatTimesOutIsRetriedNotAbortedAndThePageLandsOnce(
      RegistryFixture registry, @TempDir Path dir) throws Exception {
    KafkaBroker broker = new KafkaBroker(dir.resolve("kafka"), Ports.free(), Ports.free());
    ServiceProcess process = broker.start(Duration.ofMinutes(2));
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
      admin
          .createTopics(
              List.of(
                  new NewTopic("raw", 3, (short) 1),
                  new NewTopic("cursor", 1, (short) 1).configs(Map.of("cleanup.policy", "compact")),
                  new NewTopic("dlq", 1, (short) 1)))
          .all()
          .get();
      Map<String, Object> config = new HashMap<>();
      config.put("bootstrap.servers", broker.bootstrapServers());
      config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "poller-commit-timeout");
      config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
      config.put(ProducerConfig.ACKS_CONFIG, "all");
      config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 2000);
      RegistryAvroSerializer<IndexedRecord> avro = new RegistryAvroSerializer<>();
      avro.configure(Map.of(RegistrySerdeConfig.SCHEMA_REGISTRY_URL, registry.url()), false);
      KafkaProducer<String, Object> producer =
          new KafkaProducer<>(config, new StringSerializer(), new PollerValueSerializer(avro));
      try {
        producer.initTransactions();
        PageWriter writer =
            new PageWriter(
                producer,
                "raw",
                "cursor",
                "dlq",
                "lms",
                Clock.systemUTC(),
                null,
                new RecentChanges(),
                Duration.ofMinutes(5),
                10,
                Duration.ofSeconds(1));
        // A first page while all is well: the topics' metadata is known from here on, so the
        // sends below never wait for the broker; only the commit and the abort do.
        PageWriter.Committed first = writer.write(HighWaterMark.before(T0), page("a0"));
        PageWriter.PageSource mustNotFetch =
            sink -> {
              throw new AssertionError("a page was fetched while a commit or abort was pending");
            };

        // 1. The broker freezes after the page's records were sent, before the commit.
        assertThatThrownBy(
                () ->
                    writer.write(
                        first.mark(),
                        sink -> {
                          sink.accept(activity("a1", 1));
                          sink.accept(activity("a2", 2));
                          signal(process, "STOP");
                          return new PageResult(2, Optional.empty());
                        }))
            .isInstanceOf(PageWriter.CommitTimedOutException.class);
        // Still frozen: the retry times out too; nothing aborted, nothing fetched.
        assertThatThrownBy(() -> writer.write(first.mark(), mustNotFetch))
            .isInstanceOf(PageWriter.CommitTimedOutException.class);
        signal(process, "CONT");
        PageWriter.Committed committed = writer.write(first.mark(), mustNotFetch);
        assertThat(committed.written()).isEqualTo(2);
        assertThat(committed.mark().activityId()).isEqualTo("a2");

        // 2. A transaction breaks after one page was sent (the second fails unexpectedly) while
        // the broker is frozen: its abort times out.
        assertThatThrownBy(
                () ->
                    writer.write(
                        committed.mark(),
                        PageRequest.since(T0.plusSeconds(9)),
                        (request, sink) -> {
                          if (request.since().orElseThrow().equals(T0.plusSeconds(9))) {
                            sink.accept(activity("x9", 9));
                            return new PageResult(
                                1, Optional.of(PageRequest.since(T0.plusSeconds(10))));
                          }
                          sink.accept(activity("x10", 10));
                          signal(process, "STOP");
                          throw new IllegalStateException("the page broke the sink");
                        }))
            .isInstanceOf(IllegalStateException.class);
        // The next page first retries the abort; still frozen, so it fails before fetching.
        assertThatThrownBy(() -> writer.write(committed.mark(), mustNotFetch))
            .isInstanceOf(TimeoutException.class);
        signal(process, "CONT");
        PageWriter.Committed next = writer.write(committed.mark(), page("a3"));
        assertThat(next.written()).isEqualTo(1);
      } finally {
        signal(process, "CONT");
        producer.close(Duration.ofSeconds(10));
      }
      assertThat(
              RawTopic.readAll(broker.bootstrapServers(), registry.url(), "raw").stream()
                  .map(e -> e.value().getActivityId()))
          .as("each committed record once, none lost, none doubled, the aborted pages' never")
          .containsExactlyInAnyOrder("a0", "a1", "a2", "a3");
    } finally {
      signal(process, "CONT");
      process.stop(Duration.ofSeconds(20));
    }
  }

  private static PageWriter.PageSource page(String id) {
    int second = Integer.parseInt(id.substring(1));
    return sink -> {
      sink.accept(activity(id, second));
      return new PageResult(1, Optional.empty());
    };
  }

  static LearnerActivity activity(String id, int second) {
    Instant at = T0.plusSeconds(second);
    return LearnerActivity.newBuilder()
        .setActivityId(id)
        .setLearnerId("l1")
        .setCourseId("c1")
        .setActivityType("quiz")
        .setActivityTimestamp(at)
        .setUpdatedAt(at)
        .build();
  }

  private static void signal(ServiceProcess process, String signal) {
    try {
      Process kill =
          new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
              .inheritIO()
              .start();
      assertThat(kill.waitFor()).as("kill -%s", signal).isZero();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
