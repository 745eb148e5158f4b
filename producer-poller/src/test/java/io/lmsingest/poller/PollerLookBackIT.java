package io.lmsingest.poller;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.sun.net.httpserver.HttpServer;
import io.lmsingest.poller.config.PollerConfig;
import io.lmsingest.schemas.LearnerActivity;
import io.lmsingest.simulator.api.ActivityJson;
import io.lmsingest.simulator.api.Faults;
import io.lmsingest.simulator.api.LmsApiServer;
import io.lmsingest.simulator.timeline.ActivityTimeline;
import io.lmsingest.simulator.timeline.TimelineSettings;
import io.lmsingest.testkit.IntegrationTest;
import io.lmsingest.testkit.KafkaFixture;
import io.lmsingest.testkit.RegistryFixture;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The look-back window against a live simulated API whose changes become visible late and whose
 * pages come out of order: every version reaches the raw topic exactly once, across a restart.
 */
@IntegrationTest
class PollerLookBackIT {

  @Test
  void lateAndShuffledChangesAreEachWrittenOnceAcrossARestart(
      KafkaFixture kafka, RegistryFixture registry, @TempDir Path dir) throws Exception {
    // 100 changes a second: 3,000 already there, 3,000 more over the next 30 s. 5 % of them are
    // visible only up to 2 s after their updated_at; a fifth of the pages are shuffled.
    int records = 6_000;
    Instant start = Instant.now().minusSeconds(30);
    ActivityTimeline timeline =
        new ActivityTimeline(
            new TimelineSettings(31, start, 8_640_000, OptionalLong.of(records), 0.2, 0.01, 1));
    Faults faults = new Faults(0, 1, 0, 0, 0, 0, 0, 0.05, 2_000, 0.2, 0);
    String key = "key-" + System.nanoTime();
    Path keyFile = Files.writeString(dir.resolve("api-key"), key);
    try (LmsApiServer api =
        LmsApiServer.start(timeline, 0, 1_000, key, faults, Clock.systemUTC())) {
      Map<String, String> values =
          PollerIT.config(kafka, registry, api, keyFile, "late-" + System.nanoTime());
      values.put(PollerConfig.PAGE_SIZE, "200");
      values.put(PollerConfig.LOOK_BACK_MS, "5000");
      values.put(PollerConfig.LOOK_BACK_INTERVAL_MS, "1000");
      Instant last = Instant.ofEpochMilli(timeline.timeOf(records - 1));

      // Stopped halfway through the live part, then started again: the new poller re-reads the
      // window, and must not write what the first one wrote.
      PollerApp first =
          runUntil(
              values,
              app -> app.poller().mark().updatedAt().isAfter(start.plusSeconds(45)),
              List.of());
      long behindFirst = first.metrics().get("lms_poller_records_behind_mark_total");
      List<String> alerts = new CopyOnWriteArrayList<>();
      PollerApp second =
          runUntil(
              values,
              app ->
                  !app.poller().mark().updatedAt().isBefore(last)
                      && Instant.now().isAfter(last.plusSeconds(2 + 2))
                      && api.servedSlots() == records,
              alerts);

      PollerIT.assertExactlyEveryVersion(
          RawTopic.readAll(
              kafka.bootstrapServers(), registry.url(), values.get(PollerConfig.RAW_TOPIC)),
          timeline,
          records);
      assertThat(api.count("fault_late")).as("late changes were hidden at first").isPositive();
      assertThat(api.count("fault_shuffled")).isPositive();
      assertThat(behindFirst + second.metrics().get("lms_poller_records_behind_mark_total"))
          .as("changes behind the mark were written")
          .isPositive();
      assertThat(second.metrics().get("lms_poller_records_later_than_look_back_total")).isZero();
      assertThat(alerts).isEmpty();
    }
  }

  @Test
  void tiesOrderedAnotherWayAndChangesLaterThanTheWindowAreWrittenAndTheLateOnesAlert(
      KafkaFixture kafka, RegistryFixture registry, @TempDir Path dir) throws Exception {
    // An API that, after a first page, returns a tie the other way round (same updated_at as the
    // mark, smaller activity_id) and a change 10 minutes older than the mark, beyond a 1-minute
    // look-back: both are written once, and the late one alerts.
    ActivityTimeline timeline = PollerIT.timeline(10, 33);
    Instant t = Instant.parse("2026-11-20T10:00:00Z");
    LearnerActivity a = version(timeline, 0, "act_b0", t);
    LearnerActivity b = version(timeline, 1, "act_b1", t.plusSeconds(1));
    LearnerActivity tie = version(timeline, 2, "act_a2", t.plusSeconds(1));
    LearnerActivity late = version(timeline, 3, "act_c3", t.minus(Duration.ofMinutes(10)));
    AtomicInteger requests = new AtomicInteger();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/v1/activities",
        exchange -> {
          int n = requests.incrementAndGet();
          List<LearnerActivity> page =
              n == 1 ? List.of(a, b) : n == 2 ? List.of(b, tie, late) : List.of();
          byte[] body = page(page);
          exchange.getResponseHeaders().set("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    String key = "key-" + System.nanoTime();
    Path keyFile = Files.writeString(dir.resolve("api-key"), key);
    try {
      Map<String, String> values =
          PollerIT.config(
              kafka,
              registry,
              "http://127.0.0.1:" + server.getAddress().getPort() + "/v1/activities",
              keyFile,
              "later-" + System.nanoTime());
      values.put(PollerConfig.LOOK_BACK_MS, "60000");
      values.put(PollerConfig.LOOK_BACK_INTERVAL_MS, "30000");
      List<String> alerts = new CopyOnWriteArrayList<>();
      PollerApp app = runUntil(values, x -> requests.get() >= 4, alerts);

      assertThat(app.metrics().get("lms_poller_records_behind_mark_total")).isEqualTo(2);
      assertThat(app.metrics().get("lms_poller_records_later_than_look_back_total")).isEqualTo(1);
      assertThat(app.metrics().value("lms_poller_late_max_seconds")).isEqualTo(601.0);
      assertThat(alerts)
          .singleElement()
          .asString()
          .contains("later than the poller's look-back window");
      assertThat(
              RawTopic.readAll(
                      kafka.bootstrapServers(), registry.url(), values.get(PollerConfig.RAW_TOPIC))
                  .stream()
                  .map(e -> e.value().getActivityId())
                  .toList())
          .containsExactlyInAnyOrder("act_b0", "act_b1", "act_a2", "act_c3");
    } finally {
      server.stop(0);
    }
  }

  private static LearnerActivity version(
      ActivityTimeline timeline, long slot, String id, Instant updatedAt) {
    return LearnerActivity.newBuilder(timeline.recordAt(slot))
        .setActivityId(id)
        .setUpdatedAt(updatedAt)
        .setIsDeleted(false)
        .build();
  }

  private static byte[] page(List<LearnerActivity> records) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator json = new JsonFactory().createGenerator(out)) {
      json.writeStartObject();
      json.writeArrayFieldStart("data");
      for (LearnerActivity r : records) {
        ActivityJson.write(json, r);
      }
      json.writeEndArray();
      json.writeBooleanField("has_more", false);
      json.writeNullField("next");
      json.writeEndObject();
    }
    return out.toByteArray();
  }

  /** Runs a poller with {@code values} until {@code done} holds, then stops and closes it. */
  private static PollerApp runUntil(
      Map<String, String> values, Predicate<PollerApp> done, List<String> alerts) throws Exception {
    PollerApp app =
        PollerApp.create(
            new PollerConfig(values), Clock.systemUTC(), alert -> alerts.add(alert.summary()));
    Thread thread = new Thread(app::run, "poller-under-test");
    thread.start();
    try {
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
      while (!done.test(app)) {
        assertThat(thread.isAlive()).as("poller thread died").isTrue();
        assertThat(System.nanoTime()).as("poller did not get there in time").isLessThan(deadline);
        Thread.sleep(50);
      }
    } finally {
      app.stop();
      thread.join(30_000);
      app.close();
    }
    return app;
  }
}
