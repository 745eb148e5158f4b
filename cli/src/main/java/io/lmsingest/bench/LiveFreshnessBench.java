package io.lmsingest.bench;

import io.lmsingest.kit.runtime.ProcessWorkDir;
import io.lmsingest.localstack.StackLayout;
import io.lmsingest.simulator.timeline.TimelineSettings;
import io.lmsingest.stack.PipelineProbe;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Freshness in live mode: the simulator serves changes only as their time comes (no backfill), at a
 * given rate for a given time, and the pipeline keeps up; then, per change, the time from the API
 * serving it (its updated_at: a live change becomes visible then) to it being queryable (the
 * loader's ingested_at). The first seconds, while the services warm up, are left out.
 */
public final class LiveFreshnessBench {
  /** Config keys a low-latency deployment would set, as stack.properties overrides. */
  public static final Map<String, String> LOW_LATENCY =
      Map.of(
          "poller.config.poller.idle.interval.ms", "500",
          "validator.config.kafka.commit.interval.ms", "100",
          "sink.config.rotation.max.age.ms", "1000");

  /** One live run: its rate, its configuration's name, and p50/p95/p99 freshness in seconds. */
  public record Freshness(long ratePerDay, String configuration, long changes, double[] seconds) {}

  static final int WARM_UP_SECONDS = 15;
  static final long SIMULATOR_MAX_RATE = TimelineSettings.MAX_RATE_PER_DAY;
  static final int STACK_START_SECONDS = 40;

  private LiveFreshnessBench() {}

  static Freshness run(
      PrintWriter out,
      long ratePerDay,
      int seconds,
      String configuration,
      Map<String, String> overrides,
      EndToEndBench.Demo demo,
      boolean keep)
      throws Exception {
    Path root = Files.createTempDirectory("lms-bench-live-");
    StackLayout layout = new StackLayout(root);
    Properties settings = BenchStats.freePorts();
    // Live from the start: the first change comes once the stack is up, then one every
    // 86,400,000 / rate ms for the given time.
    Instant start = Instant.now().plusSeconds(STACK_START_SECONDS).truncatedTo(ChronoUnit.SECONDS);
    long changes = ratePerDay * seconds / 86_400;
    settings.setProperty("simulator.rate", Long.toString(ratePerDay));
    settings.setProperty("simulator.start", start.toString());
    settings.setProperty("simulator.records", Long.toString(changes));
    overrides.forEach(settings::setProperty);
    layout.saveSettings(settings);
    out.printf(
        "%n== live: %,d changes/day for %d s (%,d changes), %s configuration, in %s ==%n",
        ratePerDay, seconds, changes, configuration, root);
    out.flush();
    int exit = demo.run(root, out);
    if (exit != 0) {
      out.printf("live run did not drain (exit %d); kept in %s%n", exit, root);
      throw new IllegalStateException("the live run did not drain to the ground truth");
    }
    double[] quantiles = new double[3];
    long measured;
    try (Connection c = PipelineProbe.warehouse(layout);
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT quantile_cont(f, 0.5), quantile_cont(f, 0.95), quantile_cont(f, 0.99),"
                    + " COUNT(*) FROM (SELECT (epoch_ms(ingested_at) - epoch_ms(updated_at))"
                    + " / 1000.0 AS f FROM analytics_ready WHERE updated_at >= TIMESTAMP '"
                    + start
                        .plusSeconds(WARM_UP_SECONDS)
                        .toString()
                        .replace("T", " ")
                        .replace("Z", "")
                    + "')")) {
      rs.next();
      for (int i = 0; i < 3; i++) {
        quantiles[i] = rs.getDouble(i + 1);
      }
      measured = rs.getLong(4);
    }
    out.printf(
        "live %,d/day, %s: freshness p50/p95/p99 %.1f/%.1f/%.1f s over %,d activities%n",
        ratePerDay, configuration, quantiles[0], quantiles[1], quantiles[2], measured);
    out.flush();
    if (!keep) {
      ProcessWorkDir.deleteTree(root);
    }
    return new Freshness(ratePerDay, configuration, changes, quantiles);
  }

  /** Both rates in both configurations. */
  static Map<String, Freshness> all(
      PrintWriter out, long baseRate, int seconds, EndToEndBench.Demo demo, boolean keep)
      throws Exception {
    Map<String, Freshness> results = new LinkedHashMap<>();
    // The simulator serves at most 100 changes per millisecond: a 50x rate past that is measured at
    // the simulator's most, said in the output.
    long high = Math.min(baseRate * 50, SIMULATOR_MAX_RATE);
    if (high < baseRate * 50) {
      out.printf(
          "live: %,d changes/day (50x) is past the simulator's most, %,d/day (100 per ms);"
              + " measuring at that%n",
          baseRate * 50, SIMULATOR_MAX_RATE);
    }
    for (long rate : new long[] {baseRate, high}) {
      results.put(rate + "/default", run(out, rate, seconds, "default", Map.of(), demo, keep));
      results.put(
          rate + "/low-latency", run(out, rate, seconds, "low-latency", LOW_LATENCY, demo, keep));
    }
    return results;
  }
}
