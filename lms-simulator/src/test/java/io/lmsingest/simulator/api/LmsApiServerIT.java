package io.lmsingest.simulator.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.lmsingest.schemas.LearnerActivity;
import io.lmsingest.simulator.timeline.ActivityTimeline;
import io.lmsingest.simulator.timeline.TimelineSettings;
import io.lmsingest.simulator.truth.GroundTruth;
import io.lmsingest.testkit.IntegrationTest;
import io.lmsingest.testkit.WarehouseFixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@IntegrationTest
class LmsApiServerIT {
  static final String KEY = "test-api-key-" + System.nanoTime();
  static final Instant START = Instant.parse("2026-11-01T00:00:00Z");
  static final Clock NOW = Clock.fixed(Instant.parse("2026-11-20T00:00:00Z"), ZoneOffset.UTC);

  static ActivityTimeline timeline(long records) {
    // 200,000 changes at 1M/day: ~4.8 hours of history, late updates up to a day later.
    return new ActivityTimeline(
        new TimelineSettings(11, START, 1_000_000, OptionalLong.of(records), 0.2, 0.01, 1));
  }

  @Test
  void pagingThrough200kChangesReturnsEachVersionOnceAndMatchesTheGroundTruth(
      WarehouseFixture warehouse, @TempDir Path dir) throws Exception {
    ActivityTimeline timeline = timeline(200_000);
    try (LmsApiServer api = LmsApiServer.start(timeline, 0, 1_000, KEY, Faults.NONE, NOW)) {
      RetryingPageReader reader = new RetryingPageReader(api.baseUrl(), KEY, 1_000);
      List<RetryingPageReader.Version> versions = reader.readAll(Instant.EPOCH);

      assertExactlyEveryVersion(timeline, versions, 200_000);
      assertThat(reader.pages).isEqualTo(200);
      assertThat(reader.retries).isZero();
      assertThat(api.servedSlots()).isEqualTo(200_000);
      assertMatchesGroundTruth(timeline, api.servedSlots(), versions, warehouse, dir);
    }
  }

  @Test
  void withFaultsOnARetryingClientStillGetsEveryVersionExactlyOnce(
      WarehouseFixture warehouse, @TempDir Path dir) throws Exception {
    ActivityTimeline timeline = timeline(200_000);
    Faults faults = new Faults(0.02, 1, 0.12, 0.05, 50, 0.06, 0.10);
    try (LmsApiServer api = LmsApiServer.start(timeline, 0, 1_000, KEY, faults, NOW)) {
      RetryingPageReader reader = new RetryingPageReader(api.baseUrl(), KEY, 1_000);
      List<RetryingPageReader.Version> versions = reader.readAll(Instant.EPOCH);

      assertExactlyEveryVersion(timeline, versions, 200_000);
      assertThat(reader.retries).isPositive();
      assertThat(api.count("fault_5xx")).isPositive();
      assertThat(api.count("fault_truncated")).isPositive();
      assertThat(api.count("fault_repeat_boundary")).isPositive();
      assertMatchesGroundTruth(timeline, api.servedSlots(), versions, warehouse, dir);
    }
  }

  @Test
  void sinceIsInclusiveAndPagesAreCapped() throws Exception {
    ActivityTimeline timeline = timeline(10_000);
    try (LmsApiServer api = LmsApiServer.start(timeline, 0, 100, KEY, Faults.NONE, NOW)) {
      Instant since = Instant.ofEpochMilli(timeline.timeOf(5_000));
      RetryingPageReader reader = new RetryingPageReader(api.baseUrl(), KEY, 5_000);
      var firstPage = reader.fetch("/v1/activities?since=" + since + "&limit=5000");
      assertThat(firstPage.get("data")).hasSize(100);
      assertThat(firstPage.get("data").get(0).get("updated_at").asText())
          .isEqualTo(since.toString());
      assertThat(reader.readAll(since)).hasSize(5_000);

      var empty = reader.fetch("/v1/activities?since=2030-01-01T00:00:00Z");
      assertThat(empty.get("data")).isEmpty();
      assertThat(empty.get("has_more").asBoolean()).isFalse();
      assertThat(empty.get("next_cursor").asText()).isNotBlank();
    }
  }

  @Test
  void liveHistoryOnlyShowsChangesWhoseTimeHasCome() throws Exception {
    ActivityTimeline timeline =
        new ActivityTimeline(
            new TimelineSettings(5, START, 86_400, OptionalLong.empty(), 0.2, 0.01, 1));
    Clock clock =
        Clock.fixed(START.plusSeconds(99), ZoneOffset.UTC); // one change a second: slots 0..99
    try (LmsApiServer api = LmsApiServer.start(timeline, 0, 1_000, KEY, Faults.NONE, clock)) {
      assertThat(new RetryingPageReader(api.baseUrl(), KEY, 1_000).readAll(Instant.EPOCH))
          .hasSize(100);
    }
  }

  @Test
  void lateChangesAppearOnlyAfterTheirDelayAndHoldTheGroundTruthBackUntilServed() throws Exception {
    // One change a second; 30 % of them visible only up to 20 s after their updated_at.
    ActivityTimeline timeline =
        new ActivityTimeline(
            new TimelineSettings(5, START, 86_400, OptionalLong.of(100), 0.2, 0.01, 1));
    AtomicReference<Instant> now = new AtomicReference<>(START.plusSeconds(99));
    Clock clock =
        new Clock() {
          @Override
          public Instant instant() {
            return now.get();
          }

          @Override
          public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
          }

          @Override
          public Clock withZone(java.time.ZoneId zone) {
            return this;
          }
        };
    Faults faults = new Faults(0, 1, 0, 0, 0, 0, 0, 0.3, 20_000, 0, 0);
    try (LmsApiServer api = LmsApiServer.start(timeline, 0, 1_000, KEY, faults, clock)) {
      RetryingPageReader reader = new RetryingPageReader(api.baseUrl(), KEY, 1_000);
      List<RetryingPageReader.Version> early = reader.readAll(Instant.EPOCH);
      assertThat(early).hasSizeLessThan(100).hasSizeGreaterThan(60);
      assertThat(api.count("fault_late")).isPositive();
      // The first late change is among the last 20 s; everything before it is complete.
      assertThat(api.servedSlots()).isLessThan(100).isGreaterThanOrEqualTo(79);

      now.set(START.plusSeconds(99 + 20));
      assertThat(reader.readAll(Instant.EPOCH)).hasSize(100);
      assertThat(api.servedSlots()).isEqualTo(100);
    }
  }

  @Test
  void minimalDeletesCarryOnlyTheIdTheTimeAndTheFlag() throws Exception {
    ActivityTimeline timeline = timeline(20_000);
    Faults faults = new Faults(0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1.0);
    try (LmsApiServer api = LmsApiServer.start(timeline, 0, 1_000, KEY, faults, NOW)) {
      RetryingPageReader reader = new RetryingPageReader(api.baseUrl(), KEY, 1_000);
      int deletes = 0;
      for (int page = 0; page < 20; page++) {
        var json = reader.fetch("/v1/activities?limit=1000&offset=" + page * 1_000);
        for (var r : json.get("data")) {
          if (r.get("is_deleted").asBoolean()) {
            deletes++;
            assertThat(r.size()).as("fields of %s", r).isEqualTo(3);
            assertThat(r.has("activity_id") && r.has("updated_at")).isTrue();
          } else {
            assertThat(r.has("learner_id")).isTrue();
          }
        }
      }
      assertThat(deletes).isPositive();
    }
  }

  @Test
  void aShuffledPageHoldsTheSameChangesOutOfOrder() throws Exception {
    ActivityTimeline timeline = timeline(1_000);
    Faults faults = new Faults(0, 1, 0, 0, 0, 0, 0, 0, 0, 1.0, 0);
    try (LmsApiServer api = LmsApiServer.start(timeline, 0, 1_000, KEY, faults, NOW)) {
      var page =
          new RetryingPageReader(api.baseUrl(), KEY, 1_000).fetch("/v1/activities?limit=1000");
      List<Instant> times = new java.util.ArrayList<>();
      page.get("data").forEach(r -> times.add(Instant.parse(r.get("updated_at").asText())));
      assertThat(times).hasSize(1_000).doesNotHaveDuplicates();
      assertThat(times).isNotEqualTo(times.stream().sorted().toList());
      assertThat(times.stream().sorted().toList())
          .isEqualTo(
              java.util.stream.LongStream.range(0, 1_000)
                  .mapToObj(k -> Instant.ofEpochMilli(timeline.timeOf(k)))
                  .toList());
      assertThat(api.count("fault_shuffled")).isEqualTo(1);
    }
  }

  @Test
  void unparsableChangesAreTheSameOnEveryReadAndTheGroundTruthListsThemInsteadOfHoldingThem(
      WarehouseFixture warehouse, @TempDir Path dir) throws Exception {
    ActivityTimeline timeline = timeline(3_000);
    Faults faults = new Faults(0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.02, 0, 0);
    try (LmsApiServer api = LmsApiServer.start(timeline, 0, 1_000, KEY, faults, NOW)) {
      RetryingPageReader reader = new RetryingPageReader(api.baseUrl(), KEY, 1_000);
      Set<String> bad = new HashSet<>();
      for (int read = 0; read < 2; read++) {
        Set<String> thisRead = new HashSet<>();
        for (int page = 0; page < 3; page++) {
          for (var r :
              reader.fetch("/v1/activities?limit=1000&offset=" + page * 1_000).get("data")) {
            boolean scoreText = r.path("score").isTextual();
            boolean huge = r.path("duration_seconds").asLong() > Integer.MAX_VALUE;
            boolean statusObject = r.path("status").isObject();
            if (scoreText || huge || statusObject) {
              thisRead.add(r.get("activity_id").asText() + "," + r.get("updated_at").asText());
            }
          }
        }
        if (read == 0) {
          bad.addAll(thisRead);
        } else {
          assertThat(thisRead).as("a property of the change").isEqualTo(bad);
        }
      }
      assertThat(bad).hasSizeBetween(20, 100);

      Path truth = dir.resolve("ground-truth.parquet");
      GroundTruth.Summary summary =
          GroundTruth.write(timeline, 3_000, truth, slot -> false, api::unparsable);
      List<String> listed = Files.readAllLines(GroundTruth.rejectedList(truth));
      assertThat(listed.get(0)).isEqualTo("activity_id,updated_at");
      assertThat(new HashSet<>(listed.subList(1, listed.size()))).isEqualTo(bad);
      assertThat(summary.rejected()).isEqualTo(bad.size());
      // A rejected creation with no later version leaves its activity out altogether.
      GroundTruth.Summary faithful = GroundTruth.write(timeline, 3_000, dir.resolve("all.parquet"));
      assertThat(summary.activities()).isLessThan(faithful.activities());
      try (Connection c = warehouse.connect(dir.resolve("check.duckdb"));
          Statement st = c.createStatement();
          ResultSet rs =
              st.executeQuery(
                  "SELECT COUNT(*) FROM read_parquet('"
                      + truth
                      + "') t JOIN read_csv('"
                      + GroundTruth.rejectedList(truth)
                      + "', header = true, columns = {'activity_id': 'VARCHAR', 'updated_at':"
                      + " 'VARCHAR'}) r ON t.activity_id = r.activity_id AND"
                      + " strftime(t.updated_at, '%Y-%m-%dT%H:%M:%S.%gZ') = r.updated_at")) {
        rs.next();
        assertThat(rs.getLong(1)).as("no rejected version in the ground truth").isZero();
      }
    }
  }

  @Test
  void aStalledPageTricklesSpacesUntilTheClientHangsUp() throws Exception {
    ActivityTimeline timeline = timeline(1_000);
    Faults faults = new Faults(0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1.0, 60_000);
    try (LmsApiServer api = LmsApiServer.start(timeline, 0, 1_000, KEY, faults, NOW)) {
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<java.io.InputStream> response =
          http.send(
              HttpRequest.newBuilder(URI.create(api.baseUrl() + "/v1/activities?limit=1000"))
                  .header(LmsApiServer.API_KEY_HEADER, KEY)
                  .build(),
              HttpResponse.BodyHandlers.ofInputStream());
      assertThat(response.statusCode()).isEqualTo(200);
      long started = System.nanoTime();
      try (java.io.InputStream body = response.body()) {
        byte[] buffer = new byte[64 * 1024];
        long read = 0;
        int spaces = 0;
        // Every read returns within 200 ms or so; the page as a whole never ends.
        while (System.nanoTime() - started < 1_500_000_000L) {
          int n = body.read(buffer);
          assertThat(n).as("the body never ends while stalled").isPositive();
          read += n;
          if (buffer[n - 1] == ' ') {
            spaces++;
          }
        }
        assertThat(read).isGreaterThan(1_000);
        assertThat(spaces).isGreaterThan(3);
      }
      assertThat(api.count("fault_stalled")).isEqualTo(1);
      assertThat(api.servedSlots()).as("a page hung up on is not served").isZero();
    }
  }

  @Test
  void requestsWithoutTheRightKeyGet401AndBadParameters400() throws Exception {
    try (LmsApiServer api = LmsApiServer.start(timeline(100), 0, 100, KEY, Faults.NONE, NOW)) {
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> none =
          http.send(
              HttpRequest.newBuilder(URI.create(api.baseUrl() + "/v1/activities")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(none.statusCode()).isEqualTo(401);
      HttpResponse<String> wrong =
          http.send(
              HttpRequest.newBuilder(URI.create(api.baseUrl() + "/v1/activities"))
                  .header(LmsApiServer.API_KEY_HEADER, "nope-nope-nope")
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(wrong.statusCode()).isEqualTo(401);
      assertThat(wrong.body()).doesNotContain(KEY);
      HttpResponse<String> badSince =
          http.send(
              HttpRequest.newBuilder(URI.create(api.baseUrl() + "/v1/activities?since=yesterday"))
                  .header(LmsApiServer.API_KEY_HEADER, KEY)
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(badSince.statusCode()).isEqualTo(400);
      assertThat(badSince.body()).contains("ISO-8601");
      HttpResponse<String> badCursor =
          http.send(
              HttpRequest.newBuilder(URI.create(api.baseUrl() + "/v1/activities?cursor=zzz"))
                  .header(LmsApiServer.API_KEY_HEADER, KEY)
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(badCursor.statusCode()).isEqualTo(400);
      assertThat(badCursor.body()).contains("invalid cursor");
    }
  }

  private static void assertExactlyEveryVersion(
      ActivityTimeline timeline, List<RetryingPageReader.Version> versions, int expected) {
    Set<String> seen = new HashSet<>();
    for (RetryingPageReader.Version v : versions) {
      assertThat(seen.add(v.activityId() + "@" + v.updatedAt())).as("duplicate %s", v).isTrue();
    }
    Set<String> wanted = new HashSet<>();
    for (long slot = 0; slot < expected; slot++) {
      LearnerActivity r = timeline.recordAt(slot);
      wanted.add(r.getActivityId() + "@" + r.getUpdatedAt());
    }
    assertThat(seen).hasSize(expected).isEqualTo(wanted);
  }

  private static void assertMatchesGroundTruth(
      ActivityTimeline timeline,
      long horizon,
      List<RetryingPageReader.Version> versions,
      WarehouseFixture warehouse,
      Path dir)
      throws Exception {
    Map<String, RetryingPageReader.Version> latest = new HashMap<>();
    for (RetryingPageReader.Version v : versions) {
      latest.merge(v.activityId(), v, (a, b) -> a.updatedAt().isAfter(b.updatedAt()) ? a : b);
    }
    Path truth = dir.resolve("ground-truth.parquet");
    GroundTruth.Summary summary = GroundTruth.write(timeline, horizon, truth);
    assertThat(Files.size(truth)).isPositive();
    assertThat(summary.activities()).isEqualTo(latest.size());
    assertThat(summary.deleted()).isPositive();

    Map<String, String> fromParquet = new HashMap<>();
    try (Connection db = warehouse.connect(warehouse.newDatabase());
        Statement st = db.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT activity_id, epoch_ms(updated_at) AS updated_ms, is_deleted, status FROM read_parquet('"
                    + truth
                    + "')")) {
      while (rs.next()) {
        fromParquet.put(
            rs.getString(1), rs.getLong(2) + "/" + rs.getBoolean(3) + "/" + rs.getString(4));
      }
    }
    Map<String, String> fromApi = new HashMap<>();
    latest.forEach(
        (id, v) ->
            fromApi.put(id, v.updatedAt().toEpochMilli() + "/" + v.deleted() + "/" + v.status()));
    assertThat(fromParquet).isEqualTo(fromApi);
  }
}
