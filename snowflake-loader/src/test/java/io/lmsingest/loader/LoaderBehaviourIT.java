package io.lmsingest.loader;

import static io.lmsingest.loader.DuckDbLoaderIT.count;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lmsingest.loader.batch.BatchLoader;
import io.lmsingest.loader.manifest.BatchCoalescer;
import io.lmsingest.loader.manifest.MicroBatch;
import io.lmsingest.loader.warehouse.DuckDbWarehouse;
import io.lmsingest.loader.warehouse.ForwardingWarehouse;
import io.lmsingest.loader.warehouse.GroundTruthCheck;
import io.lmsingest.loader.warehouse.Warehouse;
import io.lmsingest.schemas.BronzeManifest;
import io.lmsingest.schemas.LearnerActivity;
import io.lmsingest.simulator.timeline.ActivityTimeline;
import io.lmsingest.simulator.truth.GroundTruth;
import io.lmsingest.testkit.IntegrationTest;
import io.lmsingest.testkit.S3Fixture;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@IntegrationTest
class LoaderBehaviourIT {
  @Test
  void aBatchWhoseCommitFailsIsRolledBackWholeAndThenLoadsOnRetry(S3Fixture s3, @TempDir Path dir)
      throws Exception {
    String bucket = s3.newBucket();
    ActivityTimeline timeline = BronzeFixture.timeline(71);
    List<BronzeManifest> manifests =
        BronzeFixture.write(
            s3,
            bucket,
            dir.resolve("bronze"),
            timeline,
            0,
            30_000,
            3,
            4_000,
            new long[3],
            LearnerActivity.getClassSchema());
    AtomicBoolean fail = new AtomicBoolean(true);
    // RAW kept, so that the rollback has copied rows to take back too.
    try (DuckDbWarehouse duck = DuckDbLoaderIT.warehouse(s3, bucket, dir, true)) {
      // After COPY, quarantine, MERGE and the ledger rows: the commit fails once.
      Warehouse failingOnce = new FailingCommit(duck, fail);
      BatchLoader loader = new BatchLoader(failingOnce, Clock.systemUTC());
      MicroBatch batch = MicroBatch.of(manifests);
      assertThatThrownBy(() -> loader.load(batch, false))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("commit failed (injected by the test)");
      Connection c = duck.connection();
      for (String table :
          List.of(
              "raw_learner_activity",
              "analytics_ready",
              "load_ledger",
              "load_batches",
              "load_quarantine")) {
        assertThat(count(c, "SELECT COUNT(*) FROM " + table))
            .as("nothing of the failed batch in %s", table)
            .isZero();
      }
      var retried = loader.load(batch, false);
      assertThat(retried.files()).isEqualTo(manifests.size());
      Path truth = dir.resolve("truth.parquet");
      GroundTruth.write(timeline, 30_000, truth);
      assertThat(GroundTruthCheck.compare(c, truth).exact()).isTrue();
    }
  }

  @Test
  void aNewOptionalFieldBecomesANullableColumnAndRuleBreakersAreQuarantinedWithTheirReason(
      S3Fixture s3, @TempDir Path dir) throws Exception {
    String bucket = s3.newBucket();
    ActivityTimeline timeline = BronzeFixture.timeline(73);
    long[] offsets = new long[2];
    List<BronzeManifest> old =
        BronzeFixture.write(
            s3,
            bucket,
            dir.resolve("old"),
            timeline,
            0,
            5_000,
            2,
            10_000,
            offsets,
            LearnerActivity.getClassSchema(),
            (record, slot) -> {
              if (slot % 1000 == 7) {
                record.put(
                    "score",
                    150.0); // the validator would have sent it to the DLQ; the warehouse checks
                // again
              }
            });
    Schema evolved =
        new Schema.Parser()
            .parse(
                LearnerActivity.getClassSchema()
                    .toString()
                    .replace(
                        "{\"name\":\"is_deleted\"",
                        "{\"name\":\"grade_band\",\"type\":[\"null\",\"string\"],\"default\":null},{\"name\":\"is_deleted\""));
    List<BronzeManifest> newer =
        BronzeFixture.write(
            s3,
            bucket,
            dir.resolve("new"),
            timeline,
            5_000,
            10_000,
            2,
            10_000,
            offsets,
            evolved,
            (record, slot) -> record.put("grade_band", slot % 2 == 0 ? "A" : "B"));
    try (DuckDbWarehouse duck = DuckDbLoaderIT.warehouse(s3, bucket, dir)) {
      BatchLoader loader = new BatchLoader(duck, Clock.systemUTC());
      var first = loader.load(MicroBatch.of(old), false);
      assertThat(first.rowsQuarantined()).isEqualTo(5);
      loader.load(MicroBatch.of(newer), false);
      Connection c = duck.connection();
      assertThat(
              count(
                  c,
                  "SELECT COUNT(*) FROM information_schema.columns WHERE column_name = 'grade_band'"
                      + " AND table_name IN ('raw_learner_activity', 'analytics_ready') AND is_nullable = 'YES'"))
          .isEqualTo(2);
      assertThat(count(c, "SELECT COUNT(*) FROM analytics_ready WHERE grade_band IN ('A', 'B')"))
          .isPositive();
      assertThat(count(c, "SELECT COUNT(*) FROM analytics_ready WHERE grade_band IS NULL"))
          .as("rows only seen in old files")
          .isPositive();
      assertThat(
              count(
                  c,
                  "SELECT COUNT(*) FROM load_quarantine WHERE reason = 'score_out_of_range' AND kafka_offset IS NOT NULL"))
          .isEqualTo(5);
      assertThat(count(c, "SELECT COUNT(*) FROM analytics_ready WHERE score > 100")).isZero();

      // Files of the old schema again, after the column exists: read with it NULL.
      List<BronzeManifest> olderAgain =
          BronzeFixture.write(
              s3,
              bucket,
              dir.resolve("old-again"),
              timeline,
              10_000,
              12_000,
              2,
              10_000,
              offsets,
              LearnerActivity.getClassSchema());
      var third = loader.load(MicroBatch.of(olderAgain), false);
      assertThat(third.rowsCopied()).isEqualTo(2_000);
      assertThat(
              count(
                  c,
                  "SELECT COUNT(*) FROM analytics_ready WHERE batch_id = '"
                      + third.batchId()
                      + "' AND grade_band IS NULL"))
          .isEqualTo(third.rowsInserted() + third.rowsUpdated())
          .isPositive();
    }
  }

  @Test
  void minimalDeletesMarkTheActivityDeletedAndKeepItsLastKnownColumns(
      S3Fixture s3, @TempDir Path dir) throws Exception {
    // Half the deletes arrive as many LMS APIs send them: id, updated_at and the flag only (what
    // the poller makes of that: empty ids and type, the epoch, nulls, no attributes).
    String bucket = s3.newBucket();
    ActivityTimeline timeline = BronzeFixture.timeline(73);
    int records = 120_000;
    java.util.function.LongPredicate minimal =
        slot ->
            timeline.changeAt(slot).kind()
                    == io.lmsingest.simulator.timeline.ActivityTimeline.Change.Kind.DELETE
                && slot % 2 == 0;
    List<BronzeManifest> manifests =
        BronzeFixture.write(
            s3,
            bucket,
            dir.resolve("bronze"),
            timeline,
            0,
            records,
            3,
            6_000,
            new long[3],
            LearnerActivity.getClassSchema(),
            (record, slot) -> {
              if (minimal.test(slot)) {
                record.put("learner_id", "");
                record.put("course_id", "");
                record.put("activity_type", "");
                record.put("activity_timestamp", 0L);
                record.put("status", null);
                record.put("score", null);
                record.put("duration_seconds", null);
                record.put("session_id", null);
                record.put("attributes", Map.of());
              }
            });
    Path truth = dir.resolve("truth.parquet");
    GroundTruth.Summary summary = GroundTruth.write(timeline, records, truth, minimal);
    assertThat(summary.deleted()).isPositive();
    try (DuckDbWarehouse duck = DuckDbLoaderIT.warehouse(s3, bucket, dir)) {
      BatchLoader loader = new BatchLoader(duck, Clock.systemUTC());
      // Batches of 4 files: a creation and its delete meet in one batch, or in two.
      for (List<BronzeManifest> batch : new BatchCoalescer(4, 1L << 40).coalesce(manifests)) {
        loader.load(MicroBatch.of(batch), false);
      }
      Connection c = duck.connection();
      assertThat(count(c, "SELECT COUNT(*) FROM load_quarantine")).isZero();
      assertThat(count(c, "SELECT COUNT(*) FROM analytics_ready WHERE is_deleted"))
          .isEqualTo(summary.deleted());
      assertThat(count(c, "SELECT COUNT(*) FROM analytics_ready WHERE learner_id = ''")).isZero();
      assertThat(GroundTruthCheck.compare(c, truth).exact()).isTrue();
    }
  }

  @Test
  void replayFromTheS3ManifestsIntoAnEmptyWarehouseRebuildsTheSameTable(
      S3Fixture s3, @TempDir Path dir) throws Exception {
    String bucket = s3.newBucket();
    ActivityTimeline timeline = BronzeFixture.timeline(79);
    List<BronzeManifest> manifests =
        BronzeFixture.write(
            s3,
            bucket,
            dir.resolve("bronze"),
            timeline,
            0,
            60_000,
            4,
            5_000,
            new long[4],
            LearnerActivity.getClassSchema());
    Path live = dir.resolve("live");
    try (DuckDbWarehouse duck = DuckDbLoaderIT.warehouse(s3, bucket, live)) {
      BatchLoader loader = new BatchLoader(duck, Clock.systemUTC());
      for (List<BronzeManifest> batch : new BatchCoalescer(3, 1L << 40).coalesce(manifests)) {
        loader.load(MicroBatch.of(batch), false);
      }
    }
    Path rebuilt = dir.resolve("rebuilt");
    Map<String, String> values =
        BronzeFixture.loaderConfig(s3, bucket, rebuilt.resolve("warehouse.duckdb"), dir);
    values.put(LoaderConfig.DUCKDB_RAW_KEEP, "true"); // what a forced reload does to RAW
    var results = LoaderApp.replay(new LoaderConfig(values), Optional.empty(), false);
    assertThat(results.stream().mapToLong(r -> r.files()).sum()).isEqualTo(manifests.size());
    // Again, and forced: the ledger would skip every file; --force loads them all again and changes
    // no data.
    var forced = LoaderApp.replay(new LoaderConfig(values), Optional.of(Instant.EPOCH), true);
    assertThat(forced.stream().mapToLong(r -> r.files()).sum()).isEqualTo(manifests.size());
    assertThat(forced.stream().mapToLong(r -> r.rowsInserted() + r.rowsUpdated()).sum()).isZero();

    String data =
        "activity_id, learner_id, course_id, activity_type, activity_timestamp, updated_at, status, score, duration_seconds,"
            + " session_id, attributes, is_deleted, _kafka_partition, _kafka_offset, _kafka_timestamp";
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = c.createStatement()) {
      st.execute("ATTACH '" + live.resolve("warehouse.duckdb") + "' AS live (READ_ONLY)");
      st.execute("ATTACH '" + rebuilt.resolve("warehouse.duckdb") + "' AS rebuilt (READ_ONLY)");
      assertThat(count(c, "SELECT COUNT(*) FROM live.analytics_ready")).isPositive();
      long rows =
          manifests.stream()
              .flatMap(m -> m.getFiles().stream())
              .mapToLong(f -> f.getRowCount())
              .sum();
      assertThat(count(c, "SELECT COUNT(*) FROM rebuilt.raw_learner_activity"))
          .as("the forced reload replaced its batches' RAW rows instead of adding them again")
          .isEqualTo(rows);
      assertThat(count(c, "SELECT COUNT(*) FROM rebuilt.analytics_ready"))
          .isEqualTo(count(c, "SELECT COUNT(*) FROM live.analytics_ready"));
      assertThat(
              count(
                  c,
                  "SELECT COUNT(*) FROM (SELECT "
                      + data
                      + " FROM live.analytics_ready EXCEPT SELECT "
                      + data
                      + " FROM rebuilt.analytics_ready)"))
          .as("identical data and lineage")
          .isZero();
    }
  }

  /**
   * The DuckDB warehouse whose session fails the batch's commit while {@code fail} is set: every
   * statement of the batch has run, and the real rollback that follows must take them all back.
   */
  private static final class FailingCommit extends ForwardingWarehouse {
    private final AtomicBoolean fail;

    FailingCommit(DuckDbWarehouse delegate, AtomicBoolean fail) {
      super(delegate);
      this.fail = fail;
    }

    @Override
    public Connection connection() {
      Connection real = delegate.connection();
      return (Connection)
          Proxy.newProxyInstance(
              Connection.class.getClassLoader(),
              new Class<?>[] {Connection.class},
              (proxy, method, args) -> {
                if (method.getName().equals("commit") && fail.getAndSet(false)) {
                  throw new SQLException("commit failed (injected by the test)");
                }
                try {
                  return method.invoke(real, args);
                } catch (InvocationTargetException e) {
                  throw e.getCause();
                }
              });
    }
  }
}
