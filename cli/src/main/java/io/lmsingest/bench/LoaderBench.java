package io.lmsingest.bench;

import io.lmsingest.kit.runtime.ProcessWorkDir;
import io.lmsingest.loader.batch.BatchLoader;
import io.lmsingest.loader.manifest.BatchCoalescer;
import io.lmsingest.loader.manifest.MicroBatch;
import io.lmsingest.loader.warehouse.DuckDbSettings;
import io.lmsingest.loader.warehouse.DuckDbWarehouse;
import io.lmsingest.loader.warehouse.Migrations;
import io.lmsingest.localstack.LocalS3Server;
import io.lmsingest.schemas.BronzeManifest;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The loader's COPY+MERGE rows/s on the embedded warehouse next to DuckDB's own ceiling (CREATE
 * TABLE AS SELECT * FROM read_parquet on the same files) and the naive row-by-row JDBC INSERT, same
 * files, same run. Bronze is written by the sink's own BronzeWriter into an in-process S3 server;
 * each run loads into a fresh DuckDB file.
 */
public final class LoaderBench {
  private final PrintWriter out;
  private final int records;
  private final int runs;
  private final int naiveRows;

  public LoaderBench(PrintWriter out, int records, int runs, int naiveRows) {
    this.out = out;
    this.records = records;
    this.runs = runs;
    this.naiveRows = naiveRows;
  }

  private static String loaderSettings() {
    return "threads "
        + DuckDbSettings.DEFAULT_THREADS
        + ", memory_limit "
        + DuckDbSettings.DEFAULT_MEMORY_LIMIT
        + ", no "
        + String.join("/", DuckDbSettings.DEFAULT_DISABLED_COMPRESSION)
        + ", insertion order free";
  }

  /** Loads every manifest into a fresh warehouse under the loader's defaults; rows/s. */
  private static double load(S3Client s3, List<BronzeManifest> manifests, Path dir, boolean keepRaw)
      throws Exception {
    try (DuckDbWarehouse warehouse =
        new DuckDbWarehouse(
            dir.resolve("loader.duckdb"),
            DuckDbSettings.defaults(dir.resolve("spill")).withKeepRaw(keepRaw),
            s3,
            "bench",
            dir.resolve("staging"))) {
      Migrations.apply(warehouse.connection(), warehouse.dialect());
      BatchLoader batchLoader = new BatchLoader(warehouse, Clock.systemUTC());
      long t0 = System.nanoTime();
      long rows = 0;
      for (List<BronzeManifest> batch : new BatchCoalescer(1000, 1L << 30).coalesce(manifests)) {
        rows += batchLoader.load(MicroBatch.of(batch), false).rowsCopied();
      }
      return rows / ((System.nanoTime() - t0) / 1e9);
    }
  }

  public int run() throws Exception {
    double yardstick = CpuYardstick.seconds();
    Path root = Files.createTempDirectory("lms-bench-loader-");
    try (LocalS3Server server = LocalS3Server.startTransient();
        S3Client s3 = server.endpoint().newClient()) {
      s3.createBucket(b -> b.bucket("bench"));
      long started = System.nanoTime();
      List<BronzeManifest> manifests =
          BronzeBench.write(s3, "bench", root.resolve("bronze"), records);
      out.printf(
          "wrote %,d changes as %d Bronze files in %.1f s%n",
          records, manifests.size(), (System.nanoTime() - started) / 1e9);
      out.flush();
      // loader, ceiling, naive, bounded, keeping RAW (rows/s)
      List<double[]> results = new ArrayList<>();
      for (int run = 1; run <= runs; run++) {
        Path dir = root.resolve("run-" + run);
        double loader = load(s3, manifests, dir.resolve("loader"), false);
        double keepingRaw = load(s3, manifests, dir.resolve("loader-keeping-raw"), true);
        List<String> staged = BronzeBench.download(s3, "bench", manifests, dir.resolve("files"));
        double ceiling = BronzeBench.ctas(dir.resolve("ceiling.duckdb"), staged, records);
        // The same CTAS within the loader's own bounds (threads, memory_limit, compression,
        // insertion order): what its copy alone could reach as configured.
        double bounded =
            BronzeBench.ctas(
                dir.resolve("bounded.duckdb"),
                staged,
                records,
                DuckDbSettings.defaults(dir.resolve("bounded-spill")).statements());
        double naive = BronzeBench.rowByRow(dir.resolve("naive.duckdb"), staged, naiveRows);
        results.add(new double[] {loader, ceiling, naive, bounded, keepingRaw});
        out.printf(
            "run %d: loader %,.0f rows/s, keeping RAW %,.0f rows/s | DuckDB CTAS read_parquet %,.0f rows/s, within the loader's settings %,.0f rows/s | row-by-row INSERT %,.0f rows/s%n",
            run, loader, keepingRaw, ceiling, bounded, naive);
        out.flush();
      }
      double loader = BenchStats.median(results, 0);
      double ceiling = BenchStats.median(results, 1);
      double naive = BenchStats.median(results, 2);
      double bounded = BenchStats.median(results, 3);
      double keepingRaw = BenchStats.median(results, 4);
      out.printf(
          "%nmedian of %d runs, %,d changes, %d Bronze files, %d cores:%n",
          runs, records, manifests.size(), Runtime.getRuntime().availableProcessors());
      out.printf(
          "  loader (S3 fetch + checksum + row checks + quarantine + MERGE from the files + ledger, one transaction): %,.0f rows/s = %.0f%% of the ceiling%n",
          loader, 100 * loader / ceiling);
      out.printf(
          "  the loader keeping RAW (duckdb.raw.keep: every row copied into RAW first, as in Snowflake): %,.0f rows/s = %.0f%% of the ceiling%n",
          keepingRaw, 100 * keepingRaw / ceiling);
      out.printf(
          "  ceiling, CREATE TABLE AS SELECT * FROM read_parquet (files already local): %,.0f rows/s%n",
          ceiling);
      out.printf(
          "  the same CTAS within the loader's settings (%s): %,.0f rows/s; the loader is %.0f%% of it%n",
          loaderSettings(), bounded, 100 * loader / bounded);
      out.printf(
          "  naive row-by-row JDBC INSERT, autocommit (%,d rows): %,.0f rows/s; the loader is %.0fx faster%n",
          naiveRows, naive, loader / naive);
      out.printf("  %s%n", CpuYardstick.describe(yardstick, CpuYardstick.seconds()));
      ProcessWorkDir.deleteTree(root);
      return 0;
    }
  }
}
