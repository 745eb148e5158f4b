package io.lmsingest.poller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lmsingest.kit.alert.AlertSender;
import io.lmsingest.kit.alert.LogAlertSender;
import io.lmsingest.localstack.Ports;
import io.lmsingest.poller.config.PollerConfig;
import io.lmsingest.poller.kafka.PageWriter;
import io.lmsingest.schemas.LearnerActivity;
import io.lmsingest.simulator.api.Faults;
import io.lmsingest.simulator.api.LmsApiServer;
import io.lmsingest.simulator.timeline.ActivityTimeline;
import io.lmsingest.simulator.timeline.TimelineSettings;
import io.lmsingest.testkit.AlertReceivers;
import io.lmsingest.testkit.AwsApiFixture;
import io.lmsingest.testkit.IntegrationTest;
import io.lmsingest.testkit.KafkaFixture;
import io.lmsingest.testkit.RegistryFixture;
import io.lmsingest.testkit.WarehouseFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@IntegrationTest
class PollerIT {
  static final Instant START = Instant.parse("2026-11-01T00:00:00Z");
  static final Clock NOW = Clock.fixed(Instant.parse("2026-11-20T00:00:00Z"), ZoneOffset.UTC);

  /** Changes per run; the acceptance size is 1,000,000 (-Dlms.it.poller.records=1000000). */
  static final int RECORDS = Integer.getInteger("lms.it.poller.records", 1_000_000);

  static ActivityTimeline timeline(int records, long seed) {
    return new ActivityTimeline(
        new TimelineSettings(seed, START, 1_000_000, OptionalLong.of(records), 0.2, 0.01, 1));
  }

  static Map<String, String> config(
      KafkaFixture kafka, RegistryFixture registry, LmsApiServer api, Path keyFile, String source) {
    return config(kafka, registry, api.baseUrl() + "/v1/activities", keyFile, source);
  }

  static Map<String, String> config(
      KafkaFixture kafka, RegistryFixture registry, String apiUrl, Path keyFile, String source) {
    Map<String, String> config = new HashMap<>();
    config.put(PollerConfig.API_URL, apiUrl);
    config.put(PollerConfig.API_KEY, "file:" + keyFile);
    config.put(PollerConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
    config.put(PollerConfig.REGISTRY_URL, registry.url());
    config.put(PollerConfig.SOURCE, source);
    config.put(PollerConfig.RAW_TOPIC, "raw-" + source);
    config.put(PollerConfig.CURSOR_TOPIC, "cursor-" + source);
    config.put(PollerConfig.IDLE_INTERVAL_MS, "100");
    config.put(PollerConfig.RATE_LIMIT, "10000");
    config.put(PollerConfig.BACKOFF_INITIAL_MS, "5");
    config.put(PollerConfig.BACKOFF_MAX_MS, "200");
    return config;
  }

  /** Runs the poller until it has committed the timeline's last change, then stops it. */
  static PollerApp runUntilCaughtUp(
      PollerConfig config, ActivityTimeline timeline, int records, AlertSender alerts)
      throws Exception {
    PollerApp app = PollerApp.create(config, Clock.systemUTC(), alerts);
    Instant last = Instant.ofEpochMilli(timeline.timeOf(records - 1));
    Thread thread = new Thread(app::run, "poller-under-test");
    thread.start();
    try {
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
      while (app.poller().mark().updatedAt().isBefore(last)) {
        assertThat(thread.isAlive()).as("poller thread died").isTrue();
        assertThat(System.nanoTime()).as("poller did not catch up in time").isLessThan(deadline);
        Thread.sleep(50);
      }
    } finally {
      app.stop();
      thread.join(30_000);
      app.close();
    }
    return app;
  }

  static void assertExactlyEveryVersion(
      List<RawTopic.Entry> raw, ActivityTimeline timeline, int records) {
    Set<String> seen = new HashSet<>();
    for (RawTopic.Entry e : raw) {
      assertThat(e.key()).isEqualTo(e.value().getActivityId());
      assertThat(
              seen.add(e.value().getActivityId() + "@" + e.value().getUpdatedAt().toEpochMilli()))
          .as("duplicate %s", e.value().getActivityId())
          .isTrue();
    }
    assertExactlyEveryVersion(seen, timeline, records);
  }

  /**
   * {@code seen} (duplicates already excluded by its producer) is exactly the timeline's first
   * {@code records} versions.
   */
  static void assertExactlyEveryVersion(Set<String> seen, ActivityTimeline timeline, int records) {
    Set<String> expected = new HashSet<>();
    for (long slot = 0; slot < records; slot++) {
      LearnerActivity r = timeline.recordAt(slot);
      expected.add(r.getActivityId() + "@" + r.getUpdatedAt().toEpochMilli());
    }
    assertThat(seen.size()).isEqualTo(records);
    assertThat(seen).isEqualTo(expected);
  }

  @Test
  void everyVersionTheApiServedIsInRawExactlyOnce(
      KafkaFixture kafka, RegistryFixture registry, @TempDir Path dir) throws Exception {
    ActivityTimeline timeline = timeline(RECORDS, 21);
    String key = "key-" + System.nanoTime();
    Path keyFile = Files.writeString(dir.resolve("api-key"), key);
    try (LmsApiServer api = LmsApiServer.start(timeline, 0, 1_000, key, Faults.NONE, NOW)) {
      PollerConfig config =
          new PollerConfig(config(kafka, registry, api, keyFile, "once-" + System.nanoTime()));
      long started = System.nanoTime();
      PollerApp app = runUntilCaughtUp(config, timeline, RECORDS, new LogAlertSender());
      long millis = (System.nanoTime() - started) / 1_000_000;
      System.out.printf(
          "poller: %d changes in %d ms (%.0f/s)%n", RECORDS, millis, RECORDS * 1000.0 / millis);

      long[] deletes = {0};
      Set<String> raw = new HashSet<>();
      RawTopic.scan(
          kafka.bootstrapServers(),
          registry.url(),
          config.getString(PollerConfig.RAW_TOPIC),
          e -> {
            assertThat(e.key()).isEqualTo(e.value().getActivityId());
            assertThat(
                    raw.add(
                        e.value().getActivityId() + "@" + e.value().getUpdatedAt().toEpochMilli()))
                .as("duplicate in raw")
                .isTrue();
            deletes[0] += e.value().getIsDeleted() ? 1 : 0;
          });
      assertExactlyEveryVersion(raw, timeline, RECORDS);
      assertThat(deletes[0]).as("deletes reach Kafka").isPositive();
      assertThat(app.metrics().get("lms_poller_records_total")).isEqualTo(RECORDS);
      // The validator's half of the chain (raw -> v1, exactly once) is ValidatorIT's; the whole
      // chain is ChaosIT's.
    }
  }

  @Test
  void theApiKeyComesFromAwsSecretsManager(
      KafkaFixture kafka, RegistryFixture registry, AwsApiFixture secretsManager, @TempDir Path dir)
      throws Exception {
    int records = 5_000;
    ActivityTimeline timeline = timeline(records, 23);
    String key = "key-" + System.nanoTime();
    String reference =
        secretsManager.createSecret("{\"api_key\":\"" + key + "\",\"other\":\"x\"}") + "#api_key";
    try (LmsApiServer api = LmsApiServer.start(timeline, 0, 1_000, key, Faults.NONE, NOW)) {
      Map<String, String> values =
          config(kafka, registry, api, dir.resolve("unused"), "sm-" + System.nanoTime());
      values.put(PollerConfig.API_KEY, reference);
      values.put(PollerConfig.AWS_REGION, AwsApiFixture.REGION);
      values.put(PollerConfig.SECRETS_MANAGER_ENDPOINT, secretsManager.endpoint().toString());
      runUntilCaughtUp(new PollerConfig(values), timeline, records, new LogAlertSender());
      assertExactlyEveryVersion(
          RawTopic.readAll(
              kafka.bootstrapServers(), registry.url(), values.get(PollerConfig.RAW_TOPIC)),
          timeline,
          records);

      // A reference to a secret that does not exist stops the poller at start, naming the reference
      // only.
      values.put(PollerConfig.API_KEY, "aws-secretsmanager:lms/none#api_key");
      assertThatThrownBy(() -> PollerApp.create(new PollerConfig(values), Clock.systemUTC()))
          .hasMessageContaining("lms/none")
          .hasMessageNotContaining(key);
    }
  }

  @Test
  void aRejectedKeyAlertsOnceOnEveryChannelAndResolvesOnceTheKeyIsFixed(
      KafkaFixture kafka, RegistryFixture registry, AwsApiFixture aws, @TempDir Path dir)
      throws Exception {
    int records = 2_000;
    ActivityTimeline timeline = timeline(records, 26);
    String rightKey = "right-key-" + System.nanoTime();
    String wrongKey = "wrong-key-" + System.nanoTime();
    Path keyFile = Files.writeString(dir.resolve("api-key"), wrongKey);
    try (LmsApiServer api = LmsApiServer.start(timeline, 0, 1_000, rightKey, Faults.NONE, NOW);
        AlertReceivers receivers = new AlertReceivers(aws, dir)) {
      Map<String, String> values =
          config(kafka, registry, api, keyFile, "alerts-" + System.nanoTime());
      values.put(PollerConfig.SECRETS_TTL_MS, "300");
      values.putAll(receivers.config());
      PollerApp app = PollerApp.create(new PollerConfig(values), Clock.systemUTC());
      Thread thread = new Thread(app::run, "poller-alerts");
      thread.start();
      try {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (receivers.slack().isEmpty() && System.nanoTime() < deadline) {
          Thread.sleep(100);
        }
        assertThat(receivers.slack())
            .singleElement()
            .asString()
            .contains("[FIRING] lms-ingest poller: the LMS API rejects the API key");
        assertThat(app.readiness().isReady()).isFalse();

        Files.writeString(
            keyFile, rightKey); // the operator fixes the secret; the poller reads it again
        Instant last = Instant.ofEpochMilli(timeline.timeOf(records - 1));
        while ((receivers.slack().size() < 2 || app.poller().mark().updatedAt().isBefore(last))
            && System.nanoTime() < deadline + TimeUnit.SECONDS.toNanos(60)) {
          Thread.sleep(100);
        }
        Thread.sleep(1_000); // nothing more may arrive
        assertThat(receivers.slack()).hasSize(2);
        assertThat(receivers.slack().get(1))
            .contains("[RESOLVED] lms-ingest poller: the LMS API rejects the API key");
        List<String> snsMessages = receivers.sns();
        assertThat(snsMessages).hasSize(2);
        assertThat(snsMessages.get(0))
            .contains("[FIRING]")
            .contains("what to do: put the right key");
        assertThat(snsMessages.get(1)).contains("[RESOLVED]");
        List<String> all = new ArrayList<>(receivers.slack());
        all.addAll(snsMessages);
        for (String message : all) {
          assertThat(message)
              .doesNotContain(rightKey)
              .doesNotContain(wrongKey)
              .doesNotContain(receivers.webhookSecret())
              .doesNotContainPattern("lrn_[0-9]");
        }
      } finally {
        app.stop();
        thread.join(30_000);
        app.close();
      }
      assertExactlyEveryVersion(
          RawTopic.readAll(
              kafka.bootstrapServers(), registry.url(), values.get(PollerConfig.RAW_TOPIC)),
          timeline,
          records);
    }
  }

  /**
   * At the simulator's highest rate a hundred changes share each millisecond, so pages of 250 end
   * inside a millisecond and a restarted poller re-reads its mark's millisecond: ties on updated_at
   * are still written exactly once.
   */
  @Test
  void changesSharingAMillisecondAreWrittenOnceAcrossPagesAndARestart(
      KafkaFixture kafka, RegistryFixture registry, @TempDir Path dir) throws Exception {
    String key = "key-" + System.nanoTime();
    Path keyFile = Files.writeString(dir.resolve("api-key"), key);
    String source = "ties-" + System.nanoTime();
    Faults repeats = new Faults(0, 1, 0, 0, 0, 0, 0.10);
    Map<String, String> values = null;
    // The first run ends inside a millisecond (60,050 = 600.5 ms of changes).
    for (int records : new int[] {60_050, 120_000}) {
      ActivityTimeline timeline =
          new ActivityTimeline(
              new TimelineSettings(
                  23,
                  START,
                  TimelineSettings.MAX_RATE_PER_DAY,
                  OptionalLong.of(records),
                  0.2,
                  0.01,
                  1));
      assertThat(timeline.timeOf(records - 1)).isEqualTo(timeline.timeOf(records - 2));
      try (LmsApiServer api = LmsApiServer.start(timeline, 0, 250, key, repeats, NOW)) {
        values = config(kafka, registry, api, keyFile, source);
        runUntilCaughtUp(new PollerConfig(values), timeline, records, new LogAlertSender());
        assertThat(api.count("fault_repeat_boundary")).isPositive();
      }
      assertExactlyEveryVersion(
          RawTopic.readAll(
              kafka.bootstrapServers(), registry.url(), values.get(PollerConfig.RAW_TOPIC)),
          timeline,
          records);
    }
  }

  @Test
  void withApiFaultsStillExactlyOnceAndALongOutageRaisesAnAlert(
      KafkaFixture kafka, RegistryFixture registry, @TempDir Path dir) throws Exception {
    int records = 100_000;
    ActivityTimeline timeline = timeline(records, 22);
    String key = "key-" + System.nanoTime();
    Path keyFile = Files.writeString(dir.resolve("api-key"), key);
    Faults faults = new Faults(0.03, 0, 0.12, 0.03, 20, 0.08, 0.10);
    List<String> alerts = new CopyOnWriteArrayList<>();
    Map<String, String> outage;
    try (LmsApiServer api = LmsApiServer.start(timeline, 0, 1_000, key, faults, NOW)) {
      Map<String, String> values =
          config(kafka, registry, api, keyFile, "faults-" + System.nanoTime());
      outage = config(kafka, registry, api, keyFile, "outage-" + System.nanoTime());
      PollerApp app =
          runUntilCaughtUp(
              new PollerConfig(values), timeline, records, alert -> alerts.add(alert.summary()));
      List<RawTopic.Entry> raw =
          RawTopic.readAll(
              kafka.bootstrapServers(), registry.url(), values.get(PollerConfig.RAW_TOPIC));
      assertExactlyEveryVersion(raw, timeline, records);
      assertThat(api.count("fault_truncated")).isPositive();
      assertThat(api.count("fault_repeat_boundary")).isPositive();
      assertThat(app.metrics().get("lms_poller_retries_total{cause=malformed_page}")).isPositive();
      assertThat(app.metrics().get("lms_poller_retries_total{cause=transient}")).isPositive();
      assertThat(alerts).as("short fault bursts stay below the outage threshold").isEmpty();
    }

    // Now the API is gone for longer than the threshold.
    outage.put(PollerConfig.API_URL, "http://127.0.0.1:" + Ports.free() + "/v1/activities");
    outage.put(PollerConfig.OUTAGE_ALERT_MS, "1500");
    PollerApp down =
        PollerApp.create(
            new PollerConfig(outage), Clock.systemUTC(), alert -> alerts.add(alert.summary()));
    Thread thread = new Thread(down::run);
    thread.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (alerts.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    down.stop();
    thread.join(10_000);
    down.close();
    assertThat(alerts).singleElement().asString().contains("failing for over 1 s");
  }

  @ParameterizedTest(name = "pagination {0}")
  @ValueSource(strings = {"next-link", "link-header", "page-number", "offset"})
  void otherPaginationStylesAlsoDeliverExactlyOnce(
      String pagination, KafkaFixture kafka, RegistryFixture registry, @TempDir Path dir)
      throws Exception {
    int records = 20_000;
    ActivityTimeline timeline = timeline(records, 25);
    String key = "key-" + System.nanoTime();
    Path keyFile = Files.writeString(dir.resolve("api-key"), key);
    try (LmsApiServer api = LmsApiServer.start(timeline, 0, 500, key, Faults.NONE, NOW)) {
      Map<String, String> values =
          config(kafka, registry, api, keyFile, "pages-" + System.nanoTime());
      values.put(PollerConfig.PAGINATION, pagination);
      values.put(PollerConfig.PAGE_SIZE, "500");
      runUntilCaughtUp(new PollerConfig(values), timeline, records, new LogAlertSender());
      assertExactlyEveryVersion(
          RawTopic.readAll(
              kafka.bootstrapServers(), registry.url(), values.get(PollerConfig.RAW_TOPIC)),
          timeline,
          records);
      assertThat(api.count("pages"))
          .as("paged in pages of 500")
          .isGreaterThanOrEqualTo(records / 500);
    }
  }

  @Test
  void aSecondPollerWithTheSameTransactionalIdFencesTheFirst(
      KafkaFixture kafka, RegistryFixture registry, @TempDir Path dir) throws Exception {
    int records = 30_000;
    ActivityTimeline timeline = timeline(records, 26);
    String key = "key-" + System.nanoTime();
    Path keyFile = Files.writeString(dir.resolve("api-key"), key);
    try (LmsApiServer api = LmsApiServer.start(timeline, 0, 1_000, key, Faults.NONE, NOW)) {
      PollerConfig config =
          new PollerConfig(config(kafka, registry, api, keyFile, "fence-" + System.nanoTime()));
      PollerApp first = PollerApp.create(config, Clock.systemUTC());
      PollerApp second = PollerApp.create(config, Clock.systemUTC()); // same transactional.id
      AtomicReference<Throwable> firstFailure = new AtomicReference<>();
      Thread thread = new Thread(first::run);
      thread.setUncaughtExceptionHandler((t, e) -> firstFailure.set(e));
      thread.start();
      thread.join(30_000);
      assertThat(thread.isAlive()).isFalse();
      assertThat(firstFailure.get())
          .isInstanceOf(PageWriter.FatalProducerException.class)
          .hasMessageContaining("same transactional.id");
      second.close();
      // The survivor (a fresh instance, as after a restart) finishes the job exactly once.
      runUntilCaughtUp(config, timeline, records, new LogAlertSender());
      assertExactlyEveryVersion(
          RawTopic.readAll(
              kafka.bootstrapServers(), registry.url(), config.getString(PollerConfig.RAW_TOPIC)),
          timeline,
          records);
    }
  }

  @Test
  void aNewSourceCanStartFromTheWarehousesMaxUpdatedAt(
      KafkaFixture kafka, RegistryFixture registry, WarehouseFixture warehouse, @TempDir Path dir)
      throws Exception {
    int records = 20_000;
    ActivityTimeline timeline = timeline(records, 27);
    Instant max = Instant.ofEpochMilli(timeline.timeOf(12_000));
    Path db = warehouse.newDatabase();
    try (var connection = warehouse.connect(db);
        var statement = connection.createStatement()) {
      statement.execute(
          "CREATE TABLE ANALYTICS_READY (ACTIVITY_ID VARCHAR, UPDATED_AT TIMESTAMPTZ)");
      statement.execute(
          "INSERT INTO ANALYTICS_READY VALUES ('x', TIMESTAMPTZ '"
              + max
              + "'), ('y', TIMESTAMPTZ '"
              + max.minusSeconds(60)
              + "')");
    }
    String key = "key-" + System.nanoTime();
    Path keyFile = Files.writeString(dir.resolve("api-key"), key);
    try (LmsApiServer api = LmsApiServer.start(timeline, 0, 1_000, key, Faults.NONE, NOW)) {
      Map<String, String> values = config(kafka, registry, api, keyFile, "wh-" + System.nanoTime());
      values.put(PollerConfig.START_FROM, "warehouse");
      values.put(PollerConfig.WAREHOUSE_JDBC_URL, "jdbc:duckdb:" + db);
      runUntilCaughtUp(new PollerConfig(values), timeline, records, new LogAlertSender());
      Set<String> expected = new HashSet<>();
      for (long slot = 12_000; slot < records; slot++) { // inclusive of MAX(updated_at)
        LearnerActivity r = timeline.recordAt(slot);
        expected.add(r.getActivityId() + "@" + r.getUpdatedAt().toEpochMilli());
      }
      assertThat(
              RawTopic.versions(
                  kafka.bootstrapServers(), registry.url(), values.get(PollerConfig.RAW_TOPIC)))
          .isEqualTo(expected);
    }
    Map<String, String> bad = new HashMap<>(PollerConfigTest.minimal());
    bad.put(PollerConfig.START_FROM, "warehouse");
    Assertions.assertThatThrownBy(() -> new PollerConfig(bad))
        .hasMessageContaining(PollerConfig.WAREHOUSE_JDBC_URL);
    Assertions.assertThatThrownBy(
            () ->
                WarehouseStart.maxUpdatedAt(
                    "jdbc:duckdb:" + db, "ANALYTICS_READY; DROP TABLE x", "UPDATED_AT"))
        .hasMessageContaining("not a valid SQL identifier");
  }
}
