package io.lmsingest.poller;

import static org.assertj.core.api.Assertions.assertThat;

import io.lmsingest.localstack.Ports;
import io.lmsingest.poller.config.PollerConfig;
import io.lmsingest.poller.kafka.CursorStore;
import io.lmsingest.schemas.PollerCursor;
import io.lmsingest.serde.RegistryAvroDeserializer;
import io.lmsingest.simulator.api.Faults;
import io.lmsingest.simulator.api.LmsApiServer;
import io.lmsingest.simulator.timeline.ActivityTimeline;
import io.lmsingest.testkit.IntegrationTest;
import io.lmsingest.testkit.KafkaFixture;
import io.lmsingest.testkit.RegistryFixture;
import io.lmsingest.testkit.SecretCanary;
import io.lmsingest.testkit.ServiceUnderTest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.apache.avro.generic.IndexedRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The poller as its own process (-Xmx128m), killed with SIGKILL at random moments and restarted.
 */
@IntegrationTest
class PollerCrashIT {
  static final String CANARY = "CANARY-api-key-5c1f0e9b";
  static final int RECORDS = Integer.getInteger("lms.it.poller.records", 1_000_000);
  static final String RUNNING = "ServiceRunner - poller running";

  @Test
  void killedHardTwentyTimesStillExactlyOnceWithFlatHeapAndNoKeyAnywhere(
      KafkaFixture kafka, RegistryFixture registry, @TempDir Path dir) throws Exception {
    ActivityTimeline timeline = PollerIT.timeline(RECORDS, 23);
    Path keyFile = Files.writeString(dir.resolve("api-key"), CANARY);
    Path log = dir.resolve("poller.log");
    try (LmsApiServer api =
        LmsApiServer.start(timeline, 0, 1_000, CANARY, Faults.NONE, PollerIT.NOW)) {
      Map<String, String> values =
          PollerIT.config(kafka, registry, api, keyFile, "crash-" + System.nanoTime());
      int metricsPort = Ports.free();
      values.put(PollerConfig.METRICS_PORT, Integer.toString(metricsPort));
      Path config = ServiceUnderTest.writeConfig(dir.resolve("poller.properties"), values);
      Instant last = Instant.ofEpochMilli(timeline.timeOf(RECORDS - 1));
      Random random = new Random(7);

      int kills = 0;
      while (kills < 20) {
        long running = ServiceUnderTest.linesWith(log, RUNNING);
        try (ServiceUnderTest poller = start(config, log)) {
          // The clock starts once the poller runs: on a slow box the JVM's start-up alone can take
          // longer than the pause, and a kill before the first commit would test nothing.
          poller.awaitLines(RUNNING, running + 1, Duration.ofSeconds(90));
          Thread.sleep(1_500 + random.nextInt(2_500));
          assertThat(poller.isAlive()).as("poller exited on its own: %s", poller.tail()).isTrue();
          poller.kill(); // SIGKILL: no shutdown hook, an open transaction left behind
        }
        kills++;
        if (caughtUp(kafka, registry, values, last)) {
          break; // finished between kills; later kills would only hit an idle poller
        }
      }
      long running = ServiceUnderTest.linesWith(log, RUNNING);
      try (ServiceUnderTest finisher = start(config, log)) {
        finisher.awaitLines(RUNNING, running + 1, Duration.ofSeconds(90)); // its endpoint is up
        long deadline =
            System.nanoTime()
                + Duration.ofMinutes(Integer.getInteger("lms.it.catchup.minutes", 5)).toNanos();
        while (!caughtUp(kafka, registry, values, last)) {
          assertThat(finisher.isAlive()).as("poller died: %s", finisher.tail()).isTrue();
          assertThat(System.nanoTime())
              .as("poller did not catch up: %s", finisher.tail())
              .isLessThan(deadline);
          Thread.sleep(500);
        }
        HttpClient http = HttpClient.newHttpClient();
        String metrics =
            http.send(
                    HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + metricsPort + "/metrics"))
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .body();
        assertThat(metrics)
            .contains("lms_poller_records_total")
            .contains("lms_poller_cursor_lag_seconds")
            .doesNotContain(CANARY);
        HttpResponse<String> ready =
            http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/ready"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(ready.statusCode()).as("ready: %s", ready.body()).isEqualTo(200);
        // A JVM ended by SIGTERM exits 143 after its shutdown hooks; the log shows the loop stopped
        // cleanly.
        assertThat(finisher.stop()).isIn(0, 143);
      }

      SecretCanary canary = new SecretCanary(CANARY.getBytes(StandardCharsets.UTF_8));
      Set<String> raw = new HashSet<>();
      RawTopic.scan(
          kafka.bootstrapServers(),
          registry.url(),
          values.get(PollerConfig.RAW_TOPIC),
          e -> {
            assertThat(
                    raw.add(
                        e.value().getActivityId() + "@" + e.value().getUpdatedAt().toEpochMilli()))
                .as("duplicate in raw")
                .isTrue();
            assertThat(canary.isIn(e.rawValue())).isFalse();
            for (Header h : e.headers()) {
              assertThat(canary.isIn(h.value())).isFalse();
            }
          });
      PollerIT.assertExactlyEveryVersion(raw, timeline, RECORDS);
      // The cursor topic carries no key either.
      Map<String, Object> cursorReader = new HashMap<>(kafka.consumerConfig());
      try (KafkaConsumer<byte[], byte[]> consumer =
          new KafkaConsumer<>(
              cursorReader, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
        consumer.subscribe(List.of(values.get(PollerConfig.CURSOR_TOPIC)));
        int cursors = 0;
        long until = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (System.nanoTime() < until && cursors == 0) {
          for (var record : consumer.poll(Duration.ofMillis(500))) {
            cursors++;
            assertThat(canary.isIn(record.value())).isFalse();
            assertThat(canary.isIn(record.key())).isFalse();
          }
        }
        assertThat(cursors).isPositive();
      }
      assertThat(kills).as("killed mid-run").isGreaterThanOrEqualTo(5);

      String logText = Files.readString(log, StandardCharsets.UTF_8);
      assertThat(logText)
          .contains("resumes from committed cursor")
          .contains("stopped at updated_at")
          .doesNotContain(CANARY);
      assertThat(logText).doesNotContain("OutOfMemoryError");
    }
  }

  @Test
  void aRejectedKeyIsRefreshedOnceThenAlertedWithoutEverShowingIt(
      KafkaFixture kafka, RegistryFixture registry, @TempDir Path dir) throws Exception {
    ActivityTimeline timeline = PollerIT.timeline(1_000, 24);
    Path keyFile = Files.writeString(dir.resolve("api-key"), CANARY);
    Path log = dir.resolve("poller.log");
    try (LmsApiServer api =
        LmsApiServer.start(timeline, 0, 1_000, "the-right-key-123", Faults.NONE, PollerIT.NOW)) {
      Map<String, String> values =
          PollerIT.config(kafka, registry, api, keyFile, "badkey-" + System.nanoTime());
      try (ServiceUnderTest poller =
          start(ServiceUnderTest.writeConfig(dir.resolve("poller.properties"), values), log)) {
        poller.awaitLines("alert=true", 1, Duration.ofSeconds(60));
        poller.stop();
      }
      String logText = Files.readString(log);
      assertThat(logText)
          .contains("API key rejected; reading it again")
          .contains("alert=true")
          .contains("rejects the API key");
      assertThat(logText).doesNotContain(CANARY);
      assertThat(api.count("unauthorized"))
          .as("refreshed once, then backed off instead of hammering")
          .isBetween(2L, 3L);
    }
  }

  static ServiceUnderTest start(Path config, Path log) throws IOException {
    return ServiceUnderTest.start(PollerMain.class, config, log, "-Xmx128m", "-XX:+UseSerialGC");
  }

  static boolean caughtUp(
      KafkaFixture kafka, RegistryFixture registry, Map<String, String> values, Instant last) {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    RegistryAvroDeserializer<IndexedRecord> values2 = RawTopic.specificReader(registry.url());
    try (KafkaConsumer<String, IndexedRecord> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), values2)) {
      Optional<PollerCursor> cursor =
          CursorStore.latest(
              consumer,
              values.get(PollerConfig.CURSOR_TOPIC),
              values.get(PollerConfig.SOURCE),
              Duration.ofSeconds(30));
      return cursor.isPresent() && !cursor.get().getUpdatedAt().isBefore(last);
    } catch (IllegalStateException e) {
      return false; // the cursor topic does not exist yet
    }
  }
}
