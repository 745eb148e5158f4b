package io.lmsingest.bench;

import io.lmsingest.kit.metrics.ServiceMetrics;
import io.lmsingest.stack.PipelineProbe;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;

/**
 * Each stage's own throughput, read from its service's counter twice a second while the pipeline
 * runs: records over the time from the first record the stage passed on to the last. A service
 * restarted mid-run (its counter starts again at 0) keeps adding up. The same scrapes give each
 * service's heap peak and -Xmx.
 */
public final class StageMeter implements AutoCloseable {
  /** One stage: the service that runs it and the counter of what it passed on. */
  public record Stage(String name, String service, String counter) {}

  /**
   * What a stage did: records passed on, and the seconds from the first sample that saw it pass one
   * on to its last ({@code timedRecords} of them in that time).
   */
  public record Rate(long records, long timedRecords, double activeSeconds) {
    public double perSecond() {
      return activeSeconds > 0 ? timedRecords / activeSeconds : 0;
    }
  }

  public static final List<Stage> STAGES =
      List.of(
          new Stage("API -> raw", "poller", "lms_poller_records_total"),
          new Stage("raw -> v1", "validator", "lms_validator_records_valid_total"),
          new Stage("v1 -> Bronze", "sink", "lms_sink_records_total"),
          new Stage("Bronze -> warehouse", "loader", "lms_loader_rows_copied_total"));

  private final ToIntFunction<String> metricsPort;
  // {base, last, firstNs, lastNs, records at firstNs}
  private final Map<Stage, long[]> seen = new LinkedHashMap<>();
  private final Map<String, long[]> heap = new LinkedHashMap<>(); // service -> {peak, max}
  private final Thread thread;
  private volatile boolean running = true;

  /** {@code metricsPort}: a service's /metrics port, -1 while it has none. */
  public StageMeter(ToIntFunction<String> metricsPort) {
    this.metricsPort = metricsPort;
    STAGES.forEach(s -> seen.put(s, new long[] {0, 0, -1, -1, 0}));
    this.thread = new Thread(this::loop, "stage-meter");
    thread.setDaemon(true);
    thread.start();
  }

  private void loop() {
    while (running) {
      sampleOnce();
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  synchronized void sampleOnce() {
    long now = System.nanoTime();
    for (Stage stage : STAGES) {
      Map<String, Double> metrics = PipelineProbe.metrics(metricsPort.applyAsInt(stage.service()));
      Double peak = metrics.get(ServiceMetrics.HEAP_PEAK);
      Double max = metrics.get(ServiceMetrics.HEAP_MAX);
      if (peak != null && max != null) {
        long[] h = heap.computeIfAbsent(stage.service(), k -> new long[2]);
        h[0] = Math.max(h[0], peak.longValue());
        h[1] = Math.max(h[1], max.longValue());
      }
      double value = 0;
      boolean present = false;
      for (Map.Entry<String, Double> e : metrics.entrySet()) {
        if (e.getKey().equals(stage.counter()) || e.getKey().startsWith(stage.counter() + "{")) {
          value += e.getValue();
          present = true;
        }
      }
      if (!present) {
        continue; // starting, stopping, or restarted and not serving yet
      }
      long[] s = seen.get(stage);
      long current = (long) value;
      if (current < s[1] - s[0]) {
        s[0] = s[1]; // restarted: its counter began again at 0
      }
      long total = s[0] + current;
      if (total > s[1]) {
        if (s[2] < 0) {
          s[2] = now;
          s[4] = total; // passed on before the first sample: not timed, not counted
        }
        s[3] = now;
        s[1] = total;
      }
    }
  }

  /** Per service: {peak heap bytes (upper bound, see ServiceMetrics), -Xmx bytes}. */
  public synchronized Map<String, long[]> heap() {
    Map<String, long[]> copy = new LinkedHashMap<>();
    heap.forEach((k, v) -> copy.put(k, v.clone()));
    return copy;
  }

  public synchronized Map<String, Rate> rates() {
    Map<String, Rate> rates = new LinkedHashMap<>();
    seen.forEach(
        (stage, s) ->
            rates.put(
                stage.name(), new Rate(s[1], s[1] - s[4], s[2] < 0 ? 0 : (s[3] - s[2]) / 1e9)));
    return rates;
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.interrupt();
    thread.join(5000);
    sampleOnce();
  }
}
