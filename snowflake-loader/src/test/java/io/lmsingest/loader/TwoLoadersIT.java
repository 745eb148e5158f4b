package io.lmsingest.loader;

import static io.lmsingest.loader.DuckDbLoaderIT.count;
import static org.assertj.core.api.Assertions.assertThat;

import io.lmsingest.loader.batch.BatchLoader;
import io.lmsingest.loader.batch.BatchResult;
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
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Two loaders racing over the same manifests on one warehouse (two sessions, as two loader
 * instances or a replay beside the service would be): each file is loaded by exactly one of them,
 * and the table is exact.
 */
@IntegrationTest
class TwoLoadersIT {
  static final int RECORDS = 60_000;

  @ParameterizedTest(name = "keep RAW: {0}")
  @ValueSource(booleans = {false, true})
  void everyFileLandsInTheLedgerExactlyOnceAndTheTableIsExact(
      boolean keepRaw, S3Fixture s3, @TempDir Path dir) throws Exception {
    String bucket = s3.newBucket();
    ActivityTimeline timeline = BronzeFixture.timeline(83);
    List<BronzeManifest> manifests =
        BronzeFixture.write(
            s3,
            bucket,
            dir.resolve("bronze"),
            timeline,
            0,
            RECORDS,
            3,
            1_500,
            new long[3],
            LearnerActivity.getClassSchema());
    Path truth = dir.resolve("truth.parquet");
    GroundTruth.Summary summary = GroundTruth.write(timeline, RECORDS, truth);

    ExecutorService pool = Executors.newFixedThreadPool(2);
    try (DuckDbWarehouse first = DuckDbLoaderIT.warehouse(s3, bucket, dir, keepRaw);
        DuckDbWarehouse second = first.anotherSession(dir.resolve("staging-second"))) {
      CyclicBarrier start = new CyclicBarrier(2);
      // The same manifests in different orders and batch shapes: the two collide on many files.
      AtomicInteger contentions = new AtomicInteger();
      Future<List<BatchResult>> a =
          pool.submit(
              race(
                  new BatchLoader(counting(first, contentions), Clock.systemUTC(), "a"),
                  manifests,
                  1,
                  4,
                  start));
      Future<List<BatchResult>> b =
          pool.submit(
              race(
                  new BatchLoader(counting(second, contentions), Clock.systemUTC(), "b"),
                  manifests,
                  2,
                  3,
                  start));
      int filesByA = files(a.get(5, TimeUnit.MINUTES));
      int filesByB = files(b.get(5, TimeUnit.MINUTES));

      Connection c = first.connection();
      assertThat(count(c, "SELECT COUNT(*) FROM load_ledger")).isEqualTo(manifests.size());
      assertThat(count(c, "SELECT COUNT(DISTINCT file_key) FROM load_ledger"))
          .isEqualTo(manifests.size());
      assertThat(filesByA + filesByB)
          .as("each file loaded by exactly one loader (a: %d, b: %d)", filesByA, filesByB)
          .isEqualTo(manifests.size());
      // They really raced: both loaded files, or one met the other's lock (CI once saw one loader
      // take every batch while the other waited for the lock).
      assertThat(filesByA > 0 && filesByB > 0 || contentions.get() > 0)
          .as(
              "raced (a: %d files, b: %d files, %d lock conflicts)",
              filesByA, filesByB, contentions.get())
          .isTrue();
      assertThat(first.renewals() + second.renewals())
          .as("with another session open a conflict is the other loader's lock: no renewal")
          .isZero();
      assertThat(count(c, "SELECT COUNT(*) FROM raw_learner_activity"))
          .as("RAW holds each file's rows once, when kept")
          .isEqualTo(keepRaw ? RECORDS : 0);
      GroundTruthCheck.Result result = GroundTruthCheck.compare(c, truth);
      assertThat(result.truthRows()).isEqualTo(summary.activities());
      assertThat(result).satisfies(r -> assertThat(r.exact()).as("%s", r).isTrue());
    } finally {
      pool.shutdownNow();
    }
  }

  private static Callable<List<BatchResult>> race(
      BatchLoader loader,
      List<BronzeManifest> manifests,
      long seed,
      int perBatch,
      CyclicBarrier go) {
    return () -> {
      List<BronzeManifest> order = new ArrayList<>(manifests);
      Collections.shuffle(order, new Random(seed));
      List<BatchResult> results = new ArrayList<>();
      go.await();
      for (List<BronzeManifest> batch : new BatchCoalescer(perBatch, 1L << 40).coalesce(order)) {
        results.add(loader.load(MicroBatch.of(batch), false));
      }
      return results;
    };
  }

  private static int files(List<BatchResult> results) {
    return results.stream().mapToInt(BatchResult::files).sum();
  }

  /** The warehouse, counting the times a batch met the other loader's lock. */
  private static Warehouse counting(DuckDbWarehouse warehouse, AtomicInteger contentions) {
    return new ForwardingWarehouse(warehouse) {
      @Override
      public boolean isContention(java.sql.SQLException failure) {
        boolean contention = super.isContention(failure);
        if (contention) {
          contentions.incrementAndGet();
        }
        return contention;
      }
    };
  }
}
