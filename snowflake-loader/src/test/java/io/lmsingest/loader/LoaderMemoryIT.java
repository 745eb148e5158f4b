package io.lmsingest.loader;

import static org.assertj.core.api.Assertions.assertThat;

import io.lmsingest.kit.runtime.Backoff;
import io.lmsingest.loader.batch.BatchLoader;
import io.lmsingest.loader.batch.BatchResult;
import io.lmsingest.loader.batch.LoadAttempts;
import io.lmsingest.loader.manifest.MicroBatch;
import io.lmsingest.loader.warehouse.DuckDbSettings;
import io.lmsingest.loader.warehouse.DuckDbWarehouse;
import io.lmsingest.loader.warehouse.GroundTruthCheck;
import io.lmsingest.loader.warehouse.Migrations;
import io.lmsingest.schemas.BronzeManifest;
import io.lmsingest.simulator.timeline.ActivityTimeline;
import io.lmsingest.simulator.truth.GroundTruth;
import io.lmsingest.testkit.IntegrationTest;
import io.lmsingest.testkit.S3Fixture;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A batch the embedded warehouse has no memory for (DuckDB does not spill a transaction's rows)
 * fails the same way every time: it is split in halves at once, down to what fits; later batches
 * start from the size that fit instead of failing once each; the warehouse ends exact with nothing
 * set aside.
 */
@IntegrationTest
class LoaderMemoryIT {
  /** Small enough that sixteen manifests of 5,000 rows do not fit, large enough for one. */
  static final String MEMORY_LIMIT = "32MB";

  @Test
  void aBatchTooLargeForTheWarehousesMemoryIsSplitUntilItFits(S3Fixture s3, @TempDir Path dir)
      throws Exception {
    String bucket = s3.newBucket();
    ActivityTimeline timeline = BronzeFixture.timeline(63);
    int records = 160_000;
    List<BronzeManifest> manifests =
        BronzeFixture.filesOf5000Rows(s3, bucket, dir, timeline, records);
    assertThat(manifests).hasSize(32);
    List<Integer> committedManifests = new CopyOnWriteArrayList<>();
    List<String> failures = new CopyOnWriteArrayList<>();
    List<String> failedBatches = new CopyOnWriteArrayList<>();
    List<String> quarantined = new CopyOnWriteArrayList<>();
    try (DuckDbWarehouse warehouse =
        new DuckDbWarehouse(
            dir.resolve("warehouse.duckdb"),
            new DuckDbSettings(
                MEMORY_LIMIT, 1, "256MB", 0, List.of("fsst"), dir.resolve("spill"), false),
            s3.client(),
            bucket,
            dir.resolve("staging"))) {
      Migrations.apply(warehouse.connection(), warehouse.dialect());
      LoadAttempts attempts =
          new LoadAttempts(
              new BatchLoader(warehouse, Clock.systemUTC()),
              5,
              new Backoff(Duration.ofMillis(1), Duration.ofMillis(10)),
              LoadAttempts::isSurroundings,
              () -> false,
              false,
              new LoadAttempts.Listener() {
                @Override
                public void loaded(BatchResult result) {
                  committedManifests.add(result.files());
                }

                @Override
                public void failed(
                    MicroBatch batch, Exception failure, int attempt, boolean surroundings) {
                  failures.add(batch.files().size() + " files: " + failure.getMessage());
                  failedBatches.add(batch.id());
                }

                @Override
                public void quarantined(MicroBatch batch, Exception failure, int attempts) {
                  quarantined.add(batch.id());
                }
              });

      assertThat(attempts.load(manifests.subList(0, 16))).isTrue();
      List<String> firstFailures = List.copyOf(failures);

      assertThat(firstFailures)
          .isNotEmpty()
          .allSatisfy(f -> assertThat(f).contains("Out of Memory"));
      assertThat(firstFailures.get(0)).startsWith("16 files: ");
      assertThat(warehouse.renewals())
          .as("a fresh session after each out-of-memory rollback")
          .isEqualTo(firstFailures.size());
      assertThat(quarantined).isEmpty();
      assertThat(committedManifests).allSatisfy(n -> assertThat(n).isLessThan(16));
      assertThat(committedManifests.stream().mapToInt(Integer::intValue).sum()).isEqualTo(16);
      committedManifests.clear();
      // A batch that does not fit is split after one failed attempt, never tried again as it is.
      assertThat(failedBatches).doesNotHaveDuplicates();

      // The next 16 start at the size that fit, not at 16 again.
      failures.clear();
      assertThat(attempts.load(manifests.subList(16, 32))).isTrue();
      assertThat(failures).noneSatisfy(f -> assertThat(f).startsWith("16 files: "));
      assertThat(failures).hasSizeLessThan(firstFailures.size());
      assertThat(quarantined).isEmpty();
      Path truth = dir.resolve("truth.parquet");
      GroundTruth.write(timeline, records, truth);
      try (Statement st = warehouse.connection().createStatement()) {
        st.execute("SET memory_limit = '512MB'"); // the check's own join, not the loader's
      }
      GroundTruthCheck.Result result = GroundTruthCheck.compare(warehouse.connection(), truth);
      assertThat(result.exact()).as("%s", result).isTrue();
    }
  }

  /** `replay loader` goes through the same attempts: an oversized batch is split, not fatal. */
  @Test
  void aReplayWhoseBatchesDoNotFitTheWarehousesMemorySplitsThemAndEndsExact(
      S3Fixture s3, @TempDir Path dir) throws Exception {
    String bucket = s3.newBucket();
    ActivityTimeline timeline = BronzeFixture.timeline(64);
    int records = 80_000;
    List<BronzeManifest> manifests =
        BronzeFixture.filesOf5000Rows(s3, bucket, dir, timeline, records);
    Path database = dir.resolve("warehouse.duckdb");
    Map<String, String> values = BronzeFixture.loaderConfig(s3, bucket, database, dir);
    values.put(LoaderConfig.DUCKDB_MEMORY_LIMIT, MEMORY_LIMIT);

    List<BatchResult> results = LoaderApp.replay(new LoaderConfig(values), Optional.empty(), false);

    assertThat(results).hasSizeGreaterThan(1).allSatisfy(r -> assertThat(r.files()).isLessThan(16));
    assertThat(results.stream().mapToLong(BatchResult::files).sum()).isEqualTo(manifests.size());
    assertThat(results.stream().mapToLong(BatchResult::rowsCopied).sum()).isEqualTo(records);
    Path truth = dir.resolve("truth.parquet");
    GroundTruth.write(timeline, records, truth);
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + database)) {
      GroundTruthCheck.Result result = GroundTruthCheck.compare(c, truth);
      assertThat(result.exact()).as("%s", result).isTrue();
    }
  }
}
