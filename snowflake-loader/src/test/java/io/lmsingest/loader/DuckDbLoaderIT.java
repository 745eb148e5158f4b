package io.lmsingest.loader;

import static org.assertj.core.api.Assertions.assertThat;

import io.lmsingest.loader.batch.BatchLoader;
import io.lmsingest.loader.batch.BatchResult;
import io.lmsingest.loader.manifest.BatchCoalescer;
import io.lmsingest.loader.manifest.MicroBatch;
import io.lmsingest.loader.warehouse.DuckDbSettings;
import io.lmsingest.loader.warehouse.DuckDbWarehouse;
import io.lmsingest.loader.warehouse.GroundTruthCheck;
import io.lmsingest.loader.warehouse.Migrations;
import io.lmsingest.schemas.BronzeManifest;
import io.lmsingest.schemas.LearnerActivity;
import io.lmsingest.simulator.timeline.ActivityTimeline;
import io.lmsingest.simulator.truth.GroundTruth;
import io.lmsingest.testkit.IntegrationTest;
import io.lmsingest.testkit.S3Fixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@IntegrationTest
class DuckDbLoaderIT {
  static final int RECORDS = Integer.getInteger("lms.it.loader.records", 2_000_000);

  /** With RAW kept or not (the default): the same exact result. */
  @ParameterizedTest(name = "keep RAW: {0}")
  @ValueSource(booleans = {false, true})
  void manifestsOfTwoMillionChangesGiveExactlyTheLatestVersionsAndRedeliveryChangesNothing(
      boolean keepRaw, S3Fixture s3, @TempDir Path dir) throws Exception {
    String bucket = s3.newBucket();
    ActivityTimeline timeline = BronzeFixture.timeline(61);
    long started = System.nanoTime();
    List<BronzeManifest> manifests =
        BronzeFixture.write(
            s3,
            bucket,
            dir.resolve("bronze"),
            timeline,
            0,
            RECORDS,
            6,
            50_000,
            new long[6],
            LearnerActivity.getClassSchema());
    System.out.printf(
        "loader test: %d changes in %d Bronze files written in %d ms%n",
        RECORDS, manifests.size(), (System.nanoTime() - started) / 1_000_000);
    Path truth = dir.resolve("truth.parquet");
    GroundTruth.Summary summary = GroundTruth.write(timeline, RECORDS, truth);
    assertThat(summary.deleted()).as("the history has deletes").isPositive();
    assertThat(summary.activities()).as("the history has late updates").isLessThan(RECORDS);

    try (DuckDbWarehouse warehouse = warehouse(s3, bucket, dir, keepRaw)) {
      BatchLoader loader = new BatchLoader(warehouse, Clock.systemUTC());
      // Manifests in shuffled order, in micro-batches of at most 7 files: versions of one activity
      // arrive out of order.
      List<BronzeManifest> shuffled = new ArrayList<>(manifests);
      Collections.shuffle(shuffled, new Random(3));
      started = System.nanoTime();
      long rows = 0;
      for (List<BronzeManifest> batch : new BatchCoalescer(7, 1L << 40).coalesce(shuffled)) {
        rows += loader.load(MicroBatch.of(batch), false).rowsCopied();
      }
      long millis = (System.nanoTime() - started) / 1_000_000;
      System.out.printf(
          "loader test: %d rows COPY+MERGE in %d ms (%.0f rows/s)%n",
          rows, millis, rows * 1000.0 / millis);
      assertThat(rows).isEqualTo(RECORDS);

      Connection c = warehouse.connection();
      GroundTruthCheck.Result result = GroundTruthCheck.compare(c, truth);
      assertThat(result.truthRows()).isEqualTo(summary.activities());
      assertThat(result).satisfies(r -> assertThat(r.exact()).as("%s", r).isTrue());
      assertThat(count(c, "SELECT COUNT(*) FROM analytics_ready WHERE is_deleted"))
          .isEqualTo(summary.deleted());
      // Lineage: every row's BATCH_ID leads through LOAD_LEDGER to the file (and offsets) it came
      // from.
      assertThat(
              count(
                  c,
                  "SELECT COUNT(*) FROM analytics_ready a WHERE NOT EXISTS (SELECT 1 FROM load_ledger l"
                      + " WHERE l.batch_id = a.batch_id AND l.kafka_partition = a._kafka_partition"
                      + " AND a._kafka_offset BETWEEN l.start_offset AND l.end_offset)"))
          .isZero();
      assertThat(count(c, "SELECT COUNT(*) FROM load_ledger")).isEqualTo(manifests.size());
      assertThat(count(c, "SELECT COUNT(*) FROM raw_learner_activity"))
          .as("every version in RAW only when kept")
          .isEqualTo(keepRaw ? RECORDS : 0);

      // Every manifest delivered again, shuffled differently and batched differently: nothing
      // changes.
      String before = checksum(c);
      Collections.shuffle(shuffled, new Random(4));
      for (List<BronzeManifest> batch : new BatchCoalescer(5, 1L << 40).coalesce(shuffled)) {
        BatchResult again = loader.load(MicroBatch.of(batch), false);
        assertThat(again.files()).as("already in the ledger").isZero();
      }
      assertThat(checksum(c)).isEqualTo(before);
      assertThat(count(c, "SELECT COUNT(*) FROM load_ledger")).isEqualTo(manifests.size());
    }
  }

  /**
   * Large loads write past the WAL, so DuckDB's own WAL threshold may never checkpoint (a ~8M-row
   * target then ran out of memory): the loader checkpoints after every duckdb.checkpoint.rows rows.
   */
  @Test
  void theLoaderCheckpointsTheWarehouseOnceTheConfiguredRowsWereCopied(
      S3Fixture s3, @TempDir Path dir) throws Exception {
    String bucket = s3.newBucket();
    List<BronzeManifest> manifests =
        BronzeFixture.filesOf5000Rows(s3, bucket, dir, BronzeFixture.timeline(62), 20_000);
    assertThat(manifests).hasSize(4);
    Path database = dir.resolve("warehouse.duckdb");
    Path wal = dir.resolve("warehouse.duckdb.wal");
    try (DuckDbWarehouse warehouse =
        new DuckDbWarehouse(
            database,
            new DuckDbSettings(
                "192MB", 1, "256MB", 12_000, List.of("fsst"), dir.resolve("spill"), false),
            s3.client(),
            bucket,
            dir.resolve("staging"))) {
      Migrations.apply(warehouse.connection(), warehouse.dialect());
      BatchLoader loader = new BatchLoader(warehouse, Clock.systemUTC());
      List<Boolean> checkpointed = new ArrayList<>();
      List<Boolean> walHoldsChanges = new ArrayList<>();
      for (BronzeManifest manifest : manifests) {
        BatchResult result = loader.load(MicroBatch.of(List.of(manifest)), false);
        assertThat(result.rowsCopied()).isEqualTo(5_000);
        checkpointed.add(result.checkpoint().isPresent());
        walHoldsChanges.add(Files.exists(wal) && Files.size(wal) > 0);
      }
      // 5,000 rows a batch against 12,000: the third batch crosses it, then the count starts anew.
      assertThat(checkpointed).containsExactly(false, false, true, false);
      assertThat(walHoldsChanges).containsExactly(true, true, false, true);
      // The object keys' dt= folders are not data: no column comes from them.
      assertThat(
              count(
                  warehouse.connection(),
                  "SELECT COUNT(*) FROM information_schema.columns WHERE column_name = 'dt'"))
          .isZero();
    }
  }

  /**
   * DuckDB can keep an out-of-memory rollback's update of the load-lock row, so that every later
   * batch meets a "conflict" although the loader's is the only session (seen at 20M changes). A
   * transaction left open on the load-lock row by a connection the warehouse does not know of
   * stands in for it: the loader's only session is closed and the database opened again, and the
   * batch loads once the row is free.
   */
  @Test
  void aConflictWithNoOtherSessionOpenRenewsTheSessionAndTheBatchLoads(
      S3Fixture s3, @TempDir Path dir) throws Exception {
    String bucket = s3.newBucket();
    List<BronzeManifest> manifests =
        BronzeFixture.filesOf5000Rows(s3, bucket, dir, BronzeFixture.timeline(65), 5_000);
    ExecutorService loaderThread = Executors.newSingleThreadExecutor();
    try (DuckDbWarehouse warehouse = warehouse(s3, bucket, dir, true);
        Connection stuck =
            DriverManager.getConnection("jdbc:duckdb:" + dir.resolve("warehouse.duckdb"))) {
      Connection before = warehouse.connection();
      stuck.setAutoCommit(false);
      try (Statement st = stuck.createStatement()) {
        assertThat(st.executeUpdate("UPDATE load_lock SET holder = 'nobody'")).isEqualTo(1);
      }
      Future<BatchResult> load =
          loaderThread.submit(
              () ->
                  new BatchLoader(warehouse, Clock.systemUTC())
                      .load(MicroBatch.of(manifests), false));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (warehouse.renewals() == 0 && System.nanoTime() < deadline && !load.isDone()) {
        Thread.sleep(10);
      }
      assertThat(warehouse.renewals()).as("session renewed after a conflict").isPositive();
      stuck.rollback();

      assertThat(load.get(2, TimeUnit.MINUTES).rowsCopied()).isEqualTo(5_000);
      assertThat(warehouse.connection()).isNotSameAs(before);
      assertThat(count(warehouse.connection(), "SELECT COUNT(*) FROM analytics_ready"))
          .isEqualTo(
              count(
                  warehouse.connection(),
                  "SELECT COUNT(DISTINCT activity_id) FROM raw_learner_activity"))
          .isPositive();
    } finally {
      loaderThread.shutdownNow();
    }
  }

  static DuckDbWarehouse warehouse(S3Fixture s3, String bucket, Path dir) throws Exception {
    return warehouse(s3, bucket, dir, DuckDbSettings.DEFAULT_KEEP_RAW);
  }

  /** The loader's default warehouse, copying the batches into RAW first or not. */
  static DuckDbWarehouse warehouse(S3Fixture s3, String bucket, Path dir, boolean keepRaw)
      throws Exception {
    DuckDbWarehouse warehouse =
        new DuckDbWarehouse(
            dir.resolve("warehouse.duckdb"),
            DuckDbSettings.defaults(dir.resolve("spill")).withKeepRaw(keepRaw),
            s3.client(),
            bucket,
            dir.resolve("staging"));
    Migrations.apply(warehouse.connection(), warehouse.dialect());
    return warehouse;
  }

  /** A checksum over every column of every row, INGESTED_AT and BATCH_ID included. */
  static String checksum(Connection c) throws Exception {
    try (Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery("SELECT COUNT(*), bit_xor(hash(a)) FROM analytics_ready a")) {
      rs.next();
      return rs.getLong(1) + ":" + rs.getString(2);
    }
  }

  static long count(Connection c, String sql) throws Exception {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
