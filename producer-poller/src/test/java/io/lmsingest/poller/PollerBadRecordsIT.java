package io.lmsingest.poller;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.lmsingest.kit.alert.LogAlertSender;
import io.lmsingest.poller.config.PollerConfig;
import io.lmsingest.schemas.DlqHeaders;
import io.lmsingest.testkit.IntegrationTest;
import io.lmsingest.testkit.KafkaFixture;
import io.lmsingest.testkit.RegistryFixture;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records the poller cannot read as activities go to the DLQ in the page's transaction, with the
 * API's JSON and the reason, and the poller goes on: every page is fetched once, nothing stalls.
 */
@IntegrationTest
class PollerBadRecordsIT {
  static final Instant T1 = Instant.parse("2026-11-20T10:00:00Z");
  static final Instant T3 = Instant.parse("2026-11-20T10:03:00Z");

  static String activity(String id, Instant updatedAt, String extra) {
    return "{\"activity_id\":\""
        + id
        + "\",\"learner_id\":\"l1\",\"course_id\":\"c1\",\"activity_type\":\"quiz\","
        + "\"activity_timestamp\":\""
        + T1.minusSeconds(60)
        + "\""
        + (updatedAt == null ? "" : ",\"updated_at\":\"" + updatedAt + "\"")
        + extra
        + "}";
  }

  static final String PAGE_1 =
      "{\"data\":["
          + activity("g1", T1, "")
          + ","
          + activity("b1", T1.plusSeconds(30), ",\"score\":\"n/a\"")
          + ","
          + activity("g2", T1.plusSeconds(60), ",\"score\":50")
          + "],\"has_more\":true,\"next_cursor\":\"p2\"}";
  // Starts with page 1's bad record once more (a boundary repeat): it goes to the DLQ once.
  static final String PAGE_2 =
      "{\"data\":["
          + activity("b1", T1.plusSeconds(30), ",\"score\":\"n/a\"")
          + ","
          + activity("b2", null, "")
          + ","
          + activity("g3", T3, "")
          + "],\"has_more\":false}";
  static final String EMPTY = "{\"data\":[],\"has_more\":false}";

  @Test
  void unparsableRecordsGoToTheDlqWithTheirJsonAndTheCursorMovesOn(
      KafkaFixture kafka, RegistryFixture registry, @TempDir Path dir) throws Exception {
    List<String> served = new CopyOnWriteArrayList<>();
    HttpServer api = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    api.createContext(
        "/v1/activities",
        exchange -> {
          Map<String, String> query = new HashMap<>();
          for (String pair : exchange.getRequestURI().getRawQuery().split("&")) {
            String[] kv = pair.split("=", 2);
            query.put(kv[0], URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
          }
          String body;
          if ("p2".equals(query.get("cursor"))) {
            body = PAGE_2;
          } else if (Instant.parse(query.get("since")).isBefore(T1)) {
            body = PAGE_1;
          } else {
            body = EMPTY;
          }
          served.add(body == PAGE_1 ? "page1" : body == PAGE_2 ? "page2" : "empty");
          byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, bytes.length);
          exchange.getResponseBody().write(bytes);
          exchange.close();
        });
    api.start();
    String source = "bad-" + System.nanoTime();
    try {
      Map<String, String> values = new HashMap<>();
      values.put(
          PollerConfig.API_URL,
          "http://127.0.0.1:" + api.getAddress().getPort() + "/v1/activities");
      values.put(PollerConfig.API_KEY, "file:" + Files.writeString(dir.resolve("key"), "k"));
      values.put(PollerConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
      values.put(PollerConfig.REGISTRY_URL, registry.url());
      values.put(PollerConfig.SOURCE, source);
      values.put(PollerConfig.RAW_TOPIC, "raw-" + source);
      values.put(PollerConfig.CURSOR_TOPIC, "cursor-" + source);
      values.put(PollerConfig.DLQ_TOPIC, "dlq-" + source);
      values.put(PollerConfig.IDLE_INTERVAL_MS, "100");
      PollerApp app =
          PollerApp.create(new PollerConfig(values), Clock.systemUTC(), new LogAlertSender());
      Thread thread = new Thread(app::run, "poller-under-test");
      thread.start();
      try {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (app.poller().mark().updatedAt().isBefore(T3)) {
          assertThat(thread.isAlive()).as("poller thread died").isTrue();
          assertThat(System.nanoTime())
              .as("poller stalled: served %s", served)
              .isLessThan(deadline);
          Thread.sleep(50);
        }
        Thread.sleep(500); // a few idle polls more: nothing is fetched twice
      } finally {
        app.stop();
        thread.join(30_000);
        app.close();
      }
      assertThat(served.stream().filter(s -> !s.equals("empty")))
          .as("each page fetched once: no retry, no stall")
          .containsExactly("page1", "page2");
      assertThat(app.metrics().total("lms_poller_records_rejected_total")).isEqualTo(2.0);

      List<String> raw =
          RawTopic.readAll(kafka.bootstrapServers(), registry.url(), "raw-" + source).stream()
              .map(e -> e.value().getActivityId())
              .toList();
      assertThat(raw).containsExactlyInAnyOrder("g1", "g2", "g3");

      List<ConsumerRecord<String, byte[]>> dlq =
          RawTopic.readBytes(kafka.bootstrapServers(), "dlq-" + source);
      dlq.sort(Comparator.comparing(ConsumerRecord::key)); // the DLQ may have several partitions
      assertThat(dlq).as("b1 once, though served twice").hasSize(2);
      assertThat(dlq.get(0).key()).isEqualTo("b1");
      assertThat(new String(dlq.get(0).value(), StandardCharsets.UTF_8))
          .contains("\"activity_id\":\"b1\"")
          .contains("\"score\":\"n/a\"");
      assertThat(header(dlq.get(0), DlqHeaders.RULE)).isEqualTo(DlqHeaders.UNPARSABLE_RECORD);
      assertThat(header(dlq.get(0), DlqHeaders.DETAIL))
          .isEqualTo("score is a string, not a number");
      assertThat(header(dlq.get(0), DlqHeaders.SOURCE_TOPIC)).isEqualTo("lms-api:" + source);
      assertThat(dlq.get(1).key()).isEqualTo("b2");
      assertThat(header(dlq.get(1), DlqHeaders.DETAIL)).isEqualTo("no updated_at");
    } finally {
      api.stop(0);
    }
  }

  static String header(ConsumerRecord<String, byte[]> r, String name) {
    return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }
}
