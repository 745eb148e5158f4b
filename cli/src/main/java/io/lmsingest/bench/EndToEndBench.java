package io.lmsingest.bench;

import io.lmsingest.kit.runtime.ProcessWorkDir;
import io.lmsingest.loader.LoaderApp;
import io.lmsingest.loader.LoaderConfig;
import io.lmsingest.loader.batch.BatchResult;
import io.lmsingest.localstack.StackLayout;
import io.lmsingest.stack.LocalStack;
import io.lmsingest.stack.PipelineProbe;
import io.lmsingest.stack.PipelineServices;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.function.ToDoubleFunction;

/**
 * {@code bench e2e}: the whole pipeline on the embedded default, run by the demo itself (so the
 * bench measures what a user gets), with every process sampled from /proc, then the same day
 * replayed from S3 into an empty warehouse. See BENCHMARKS.md.
 */
public final class EndToEndBench {
  /** Runs {@code demo --records N --until-drained} on a data directory; returns its exit code. */
  @FunctionalInterface
  public interface Demo {
    int run(Path dataDir, PrintWriter out) throws Exception;
  }

  /** One LMS day's rate; the live runs use it and 50 times it. */
  static final long LIVE_RATE = 5_000_000;

  private final PrintWriter out;
  private final long records;
  private final int runs;
  private final boolean keep;
  private final Demo demo;
  private final Demo liveDemo;
  private final int liveSeconds;
  private final int scale;
  private final Demo scaledDemo;

  /**
   * @param demo the backfill of N changes
   * @param liveDemo a live run whose history DIR/stack.properties already fixes
   * @param liveSeconds how long each live-mode run serves changes (0: no live runs)
   * @param scale after the runs at N, one backfill of {@code scale} × N (1: none)
   * @param scaledDemo that backfill
   */
  public EndToEndBench(
      PrintWriter out,
      long records,
      int runs,
      boolean keep,
      Demo demo,
      Demo liveDemo,
      int liveSeconds,
      int scale,
      Demo scaledDemo) {
    this.out = out;
    this.records = records;
    this.runs = runs;
    this.keep = keep;
    this.demo = demo;
    this.liveDemo = liveDemo;
    this.liveSeconds = liveSeconds;
    this.scale = scale;
    this.scaledDemo = scaledDemo;
  }

  /** One backfill by the demo in a fresh directory, every process sampled from /proc. */
  private record Backfill(
      StackLayout layout,
      int exit,
      Instant started,
      double wall,
      Map<String, ProcessSampler.Usage> usage,
      Map<String, StageMeter.Rate> rates,
      Map<String, long[]> heap) {}

  private Backfill backfill(String label, long changes, Demo backfill) throws Exception {
    Path root = Files.createTempDirectory("lms-bench-e2e-");
    StackLayout layout = new StackLayout(root);
    Properties settings = BenchStats.freePorts();
    layout.saveSettings(settings);
    out.printf("%n== %s: %,d changes in %s ==%n", label, changes, root);
    out.flush();
    LocalStack view = new LocalStack(layout, settings);
    PipelineServices services = new PipelineServices(view, layout);
    StageMeter meter = new StageMeter(services::metricsPort);
    try (meter;
        ProcessSampler sampler =
            new ProcessSampler(
                process ->
                    (LocalStack.SERVICES.contains(process)
                            ? view.running(process)
                            : services.running(process))
                        .map(p -> OptionalLong.of(p.pid()))
                        .orElse(OptionalLong.empty()),
                EndToEndRun.PROCESSES)) {
      Instant startedAt = Instant.now();
      long started = System.nanoTime();
      int exit = backfill.run(root, out);
      double wall = (System.nanoTime() - started) / 1e9;
      if (exit != 0) {
        out.printf(
            "%s: the demo did not drain to the ground truth (exit %d); its data and logs are"
                + " kept in %s%n",
            label, exit, root);
      }
      return new Backfill(
          layout, exit, startedAt, wall, sampler.usage(), meter.rates(), meter.heap());
    }
  }

  public int run() throws Exception {
    if (!ProcessSampler.supported()) {
      out.println("bench e2e: /proc is not readable here: peak RSS and CPU need Linux");
      return 2;
    }
    List<EndToEndRun> results = new ArrayList<>();
    for (int run = 1; run <= runs; run++) {
      double yardstickBefore = CpuYardstick.seconds();
      Backfill b = backfill("run " + run + " of " + runs, records, demo);
      if (b.exit() != 0) {
        return 1;
      }
      double[] yardstick = {yardstickBefore, CpuYardstick.seconds()};
      double replay = replay(b.layout());
      out.println("ceilings on the run's own data ...");
      out.flush();
      StageCeilings ceilings = StageCeilings.measure(b.layout(), records, out);
      EndToEndRun result =
          measure(
              b.layout(),
              b.started(),
              b.wall(),
              b.usage(),
              replay,
              b.rates(),
              b.heap(),
              ceilings,
              yardstick);
      results.add(result);
      print(result, "run " + run);
      if (!keep) {
        ProcessWorkDir.deleteTree(b.layout().root());
      }
    }
    Backfill scaled = null;
    double scaledQueryable = 0;
    if (scale > 1) {
      scaled = backfill(scale + " x N", records * scale, scaledDemo);
      if (scaled.exit() != 0) {
        return 1;
      }
      try (Connection c = PipelineProbe.warehouse(scaled.layout())) {
        scaledQueryable = queryableSeconds(c, scaled.started());
      }
      if (!keep) {
        ProcessWorkDir.deleteTree(scaled.layout().root());
      }
    }
    Map<String, LiveFreshnessBench.Freshness> live =
        liveSeconds > 0
            ? LiveFreshnessBench.all(out, LIVE_RATE, liveSeconds, liveDemo, keep)
            : Map.of();
    out.printf("%n== %d runs: median [min .. max] ==%n", results.size());
    printMedians(results);
    if (scaled != null) {
      printScaled(results, scaled, scaledQueryable);
    }
    if (!live.isEmpty()) {
      out.printf(
          "%n== live mode, %d s each: API serves a change -> queryable, seconds ==%n", liveSeconds);
      out.printf("  %14s %-12s %8s %8s %8s%n", "changes/day", "config", "p50", "p95", "p99");
      for (LiveFreshnessBench.Freshness f : live.values()) {
        out.printf(
            "  %,14d %-12s %8.1f %8.1f %8.1f%n",
            f.ratePerDay(), f.configuration(), f.seconds()[0], f.seconds()[1], f.seconds()[2]);
      }
    }
    out.flush();
    return 0;
  }

  /**
   * Seconds from {@code started} to the last batch's commit: when the whole backfill was queryable.
   */
  static double queryableSeconds(Connection c, Instant started) throws Exception {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT epoch_ms(MAX(committed_at)) FROM load_batches")) {
      rs.next();
      return (rs.getLong(1) - started.toEpochMilli()) / 1000.0;
    }
  }

  private EndToEndRun measure(
      StackLayout layout,
      Instant started,
      double wall,
      Map<String, ProcessSampler.Usage> usage,
      double replay,
      Map<String, StageMeter.Rate> stages,
      Map<String, long[]> heap,
      StageCeilings ceilings,
      double[] yardstick)
      throws Exception {
    try (Connection c = PipelineProbe.warehouse(layout);
        Statement st = c.createStatement()) {
      double[] freshness = new double[3];
      try (ResultSet rs =
          st.executeQuery(
              "SELECT quantile_cont(epoch_ms(ingested_at) - epoch_ms(_kafka_timestamp), 0.5),"
                  + " quantile_cont(epoch_ms(ingested_at) - epoch_ms(_kafka_timestamp), 0.95),"
                  + " quantile_cont(epoch_ms(ingested_at) - epoch_ms(_kafka_timestamp), 0.99),"
                  + " COUNT(*) FROM analytics_ready")) {
        rs.next();
        for (int i = 0; i < 3; i++) {
          freshness[i] = rs.getDouble(i + 1);
        }
        long activities = rs.getLong(4);
        try (ResultSet ledger =
            st.executeQuery("SELECT COUNT(*), COUNT(DISTINCT batch_id) FROM load_ledger")) {
          ledger.next();
          return new EndToEndRun(
              records,
              activities,
              wall,
              queryableSeconds(c, started),
              usage,
              freshness,
              ledger.getLong(1),
              ledger.getLong(2),
              replay,
              stages,
              heap,
              ceilings,
              yardstick);
        }
      }
    }
  }

  /** {@code replay loader} of the whole day from the run's S3 into an empty warehouse: seconds. */
  private double replay(StackLayout layout) throws Exception {
    LocalStack stack = new LocalStack(layout, layout.loadSettings());
    stack.up(out, List.of("s3"));
    try {
      Path dir = layout.root().resolve("replay");
      LoaderConfig config =
          LoaderConfig.load(
              Map.of(
                  LoaderConfig.DUCKDB_PATH,
                  dir.resolve("warehouse.duckdb").toString(),
                  LoaderConfig.STAGING_DIR,
                  dir.resolve("staging").toString(),
                  LoaderConfig.BUCKET,
                  StackLayout.BUCKET,
                  LoaderConfig.ENDPOINT,
                  stack.s3().uri().toString(),
                  LoaderConfig.PATH_STYLE,
                  "true",
                  LoaderConfig.ACCESS_KEY_ID,
                  "file:" + layout.secretFile("s3-access-key-id"),
                  LoaderConfig.SECRET_ACCESS_KEY,
                  "file:" + layout.secretFile("s3-secret-access-key")),
              Map.of());
      long started = System.nanoTime();
      List<BatchResult> batches = LoaderApp.replay(config, Optional.empty(), false);
      double seconds = (System.nanoTime() - started) / 1e9;
      long copied = batches.stream().mapToLong(BatchResult::rowsCopied).sum();
      if (copied != records) {
        throw new IllegalStateException(
            "replay loader copied " + copied + " rows of the " + records + " changes in Bronze");
      }
      out.printf(
          "replay loader: %,d rows in %d batches from S3 into an empty warehouse in %.1f s%n",
          copied, batches.size(), seconds);
      return seconds;
    } finally {
      stack.down(out);
    }
  }

  private void print(EndToEndRun r, String label) {
    out.printf(
        "%s: queryable after %.1f s (last batch committed), %.1f s wall with the ground-truth check"
            + " and shutdown, %,.0f changes/s end to end, %,d activities, %d Bronze files, %d loader"
            + " batches, freshness p50/p95/p99 %.1f/%.1f/%.1f s, replay loader %.1f s%n",
        label,
        r.queryableSeconds(),
        r.wallSeconds(),
        r.changesPerSecond(),
        r.activities(),
        r.bronzeFiles(),
        r.loaderBatches(),
        r.freshnessMs()[0] / 1000,
        r.freshnessMs()[1] / 1000,
        r.freshnessMs()[2] / 1000,
        r.replaySeconds());
    out.printf("  %s%n", CpuYardstick.describe(r.yardstickSeconds()[0], r.yardstickSeconds()[1]));
    out.printf(
        "  %-10s %12s %14s %8s %10s %14s%n",
        "process", "peak RSS MB", "peak heap MB*", "-Xmx MB", "CPU s", "CPU us/change");
    for (String process : EndToEndRun.PROCESSES) {
      ProcessSampler.Usage u = r.usage().get(process);
      if (u != null) {
        long[] heap = r.heap().get(process);
        out.printf(
            "  %-10s %12s %14s %8s %10.1f %14.1f%n",
            process,
            peakRss(u),
            heap == null ? "-" : Long.toString(heap[0] >> 20),
            heap == null ? "-" : Long.toString(heap[1] >> 20),
            u.cpuSeconds(),
            u.cpuSeconds() * 1e6 / r.changes());
      }
    }
    out.println("  * sum of each heap pool's peak: an upper bound (services only)");
    footnoteRecordedArchives(r.usage());
    StageCeilings c = r.ceilings();
    out.printf(
        "  %-20s %12s   %-44s %12s %8s%n",
        "stage", "changes/s", "ceiling (same data)", "per s", "share");
    for (String[] row : ceilingRows()) {
      double rate = r.stages().get(row[0]).perSecond();
      double ceiling = ceiling(c, row[1]);
      out.printf(
          "  %-20s %,12.0f   %-44s %,12.0f %7.0f%%%n",
          row[0], rate, row[1], ceiling, 100 * rate / ceiling);
    }
    out.flush();
  }

  /** Each stage next to the ceilings that bound it (a stage may have two). */
  static List<String[]> ceilingRows() {
    return List.of(
        new String[] {"API -> raw", PRODUCER},
        new String[] {"raw -> v1", CONSUMER},
        new String[] {"raw -> v1", PRODUCER},
        new String[] {"v1 -> Bronze", CONSUMER},
        new String[] {"v1 -> Bronze", ENCODING},
        new String[] {"Bronze -> warehouse", CTAS});
  }

  static final String PRODUCER = "ProducerPerformance acks=all, raw's size";
  static final String CONSUMER = "ConsumerPerformance read_committed, v1";
  static final String ENCODING = "Parquet encoding, the sink's own writer";
  static final String CTAS = "DuckDB CTAS read_parquet, the run's Bronze";

  static double ceiling(StageCeilings c, String name) {
    return switch (name) {
      case PRODUCER -> c.producerPerSecond();
      case CONSUMER -> c.consumerPerSecond();
      case ENCODING -> c.encodingPerSecond();
      case CTAS -> c.ctasPerSecond();
      default -> throw new IllegalArgumentException(name);
    };
  }

  private void printMedians(List<EndToEndRun> results) {
    out.printf("  queryable after s   %s%n", spread(results, EndToEndRun::queryableSeconds));
    out.printf("  wall s (+check)     %s%n", spread(results, r -> r.wallSeconds()));
    out.printf("  changes/s           %s%n", spread(results, EndToEndRun::changesPerSecond));
    out.printf("  freshness p95 s     %s%n", spread(results, r -> r.freshnessMs()[1] / 1000));
    out.printf("  replay loader s     %s%n", spread(results, EndToEndRun::replaySeconds));
    out.printf(
        "  box yardstick s     %s before, %s after%n",
        spread(results, r -> r.yardstickSeconds()[0], "%.2f"),
        spread(results, r -> r.yardstickSeconds()[1], "%.2f"));
    for (String[] row : ceilingRows()) {
      out.printf(
          "  %-20s %s changes/s = %s %% of %s%n",
          row[0],
          spread(results, r -> r.stages().get(row[0]).perSecond()),
          spread(
              results,
              r -> 100 * r.stages().get(row[0]).perSecond() / ceiling(r.ceilings(), row[1])),
          row[1]);
    }
    for (String process : EndToEndRun.PROCESSES) {
      if (results.stream().allMatch(r -> r.heap().containsKey(process))) {
        out.printf(
            "  %-10s peak heap MB %s of -Xmx %d%n",
            process,
            spread(results, r -> r.heap().get(process)[0] / 1048576.0),
            results.get(0).heap().get(process)[1] >> 20);
      }
    }
    for (String process : EndToEndRun.PROCESSES) {
      if (results.stream().allMatch(r -> r.usage().containsKey(process))) {
        long recording =
            results.stream().filter(r -> r.usage().get(process).recordedArchive()).count();
        out.printf(
            "  %-10s RSS MB %s   CPU s %s%s%n",
            process,
            spread(results, r -> r.usage().get(process).peakRssBytes() / 1048576.0),
            spread(results, r -> r.usage().get(process).cpuSeconds()),
            recording == 0
                ? ""
                : String.format(
                    "   (%d of %d runs wrote its class-data archive)", recording, results.size()));
      }
    }
  }

  /** Memory at N (median of the runs) next to the one backfill of scale × N: flat or not. */
  private void printScaled(List<EndToEndRun> results, Backfill scaled, double queryable) {
    out.printf(
        "%n== %,d changes (%d x N), drained exact: queryable after %.1f s, %.1f s wall with the"
            + " check, %,.0f changes/s ==%n",
        records * scale, scale, queryable, scaled.wall(), records * scale / queryable);
    out.printf(
        "  %-10s %14s %14s %16s %16s %8s%n",
        "process",
        "RSS MB at N",
        "RSS MB " + scale + "xN",
        "heap MB* at N",
        "heap MB* " + scale + "xN",
        "-Xmx MB");
    for (String process : EndToEndRun.PROCESSES) {
      ProcessSampler.Usage u = scaled.usage().get(process);
      if (u == null || !results.stream().allMatch(r -> r.usage().containsKey(process))) {
        continue;
      }
      long[] heap = scaled.heap().get(process);
      boolean heapAtN = results.stream().allMatch(r -> r.heap().containsKey(process));
      out.printf(
          "  %-10s %14.0f %14s %16s %16s %8s%n",
          process,
          median(results, r -> r.usage().get(process).peakRssBytes() / 1048576.0),
          peakRss(u),
          heapAtN
              ? String.format("%.0f", median(results, r -> r.heap().get(process)[0] / 1048576.0))
              : "-",
          heap == null ? "-" : Long.toString(heap[0] >> 20),
          heap == null ? "-" : Long.toString(heap[1] >> 20));
    }
    out.println("  * sum of each heap pool's peak: an upper bound (services only)");
    footnoteRecordedArchives(scaled.usage());
  }

  /** A peak RSS in MB, marked {@code r} if it includes writing a class-data archive at exit. */
  static String peakRss(ProcessSampler.Usage u) {
    return (u.peakRssBytes() >> 20) + (u.recordedArchive() ? " r" : "");
  }

  private void footnoteRecordedArchives(Map<String, ProcessSampler.Usage> usage) {
    if (usage.values().stream().anyMatch(ProcessSampler.Usage::recordedArchive)) {
      out.println(
          "  r first start after a build: the process wrote its class-data archive at exit, and its"
              + " peak includes that (LMS_CDS_DIR)");
    }
  }

  private static String spread(List<EndToEndRun> results, ToDoubleFunction<EndToEndRun> metric) {
    return spread(results, metric, "%,.1f");
  }

  /** Median [min .. max], each in {@code format}. */
  private static String spread(
      List<EndToEndRun> results, ToDoubleFunction<EndToEndRun> metric, String format) {
    double min = results.stream().mapToDouble(metric).min().orElse(0);
    double max = results.stream().mapToDouble(metric).max().orElse(0);
    return String.format(
        format + " [" + format + " .. " + format + "]", median(results, metric), min, max);
  }

  private static double median(List<EndToEndRun> results, ToDoubleFunction<EndToEndRun> metric) {
    return BenchStats.median(
        results.stream().map(r -> new double[] {metric.applyAsDouble(r)}).toList(), 0);
  }
}
