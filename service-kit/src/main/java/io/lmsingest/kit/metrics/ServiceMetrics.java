package io.lmsingest.kit.metrics;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.GaugeDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A service's metrics on the Prometheus Java client: declared once with their help text ({@link
 * #counter}, {@link #gauge}), then updated by name, optionally with labels written {@code
 * name{label=value}}. Names are {@code lms_<service>_...}; counters end in {@code _total},
 * durations are in seconds. {@link #scrape()} is the Prometheus text format (HELP and TYPE lines)
 * that {@code GET /metrics} serves. Updating an undeclared name fails: every metric is documented.
 */
public final class ServiceMetrics {
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private final Map<String, Gauge> gauges = new ConcurrentHashMap<>();
  private final Map<String, String> help = new ConcurrentHashMap<>();

  /** The process's heap, the same in every service (read at each scrape). */
  public static final String HEAP_USED = "lms_jvm_heap_used_bytes";

  public static final String HEAP_PEAK = "lms_jvm_heap_peak_bytes";
  public static final String HEAP_MAX = "lms_jvm_heap_max_bytes";

  public ServiceMetrics() {
    gauge(HEAP_USED, "Heap in use now, bytes");
    gauge(
        HEAP_PEAK,
        "Sum of each heap pool's peak use since start, bytes: an upper bound of the heap's peak");
    gauge(HEAP_MAX, "Largest heap the JVM may use (-Xmx), bytes");
  }

  /** Declares a counter; {@code name} ends in {@code _total}. Declaring it again is a no-op. */
  public ServiceMetrics counter(String name, String helpText, String... labelNames) {
    if (!name.endsWith("_total")) {
      throw new IllegalArgumentException("a counter's name ends in _total: " + name);
    }
    counters.computeIfAbsent(
        name,
        n -> {
          help.put(n, helpText);
          return Counter.builder().name(n).help(helpText).labelNames(labelNames).register(registry);
        });
    return this;
  }

  /** Declares a gauge (a value that goes up and down). Declaring it again is a no-op. */
  public ServiceMetrics gauge(String name, String helpText, String... labelNames) {
    gauges.computeIfAbsent(
        name,
        n -> {
          help.put(n, helpText);
          return Gauge.builder().name(n).help(helpText).labelNames(labelNames).register(registry);
        });
    return this;
  }

  /**
   * Creates the series {@code name{label=value}} at 0, so a labelled metric shows every value it
   * can take from the first scrape (Prometheus would otherwise see no series until the first
   * event).
   */
  public ServiceMetrics known(String sample) {
    Sample parsed = Sample.parse(sample);
    Counter counter = counters.get(parsed.name());
    if (counter == null) {
      throw new IllegalArgumentException("counter " + parsed.name() + " was never declared");
    }
    counter.labelValues(parsed.labelValues().toArray(String[]::new));
    return this;
  }

  public void increment(String name) {
    add(name, 1);
  }

  public void add(String name, double delta) {
    Sample sample = Sample.parse(name);
    Counter counter = counters.get(sample.name());
    if (counter == null) {
      throw new IllegalArgumentException("counter " + sample.name() + " was never declared");
    }
    CounterDataPoint point =
        sample.labelValues().isEmpty()
            ? counter
            : counter.labelValues(sample.labelValues().toArray(String[]::new));
    point.inc(delta);
  }

  /** Adds a duration to a {@code ..._seconds_total} counter. */
  public void addSeconds(String name, Duration duration) {
    add(name, duration.toNanos() / 1e9);
  }

  public void set(String name, double value) {
    Sample sample = Sample.parse(name);
    Gauge gauge = gauges.get(sample.name());
    if (gauge == null) {
      throw new IllegalArgumentException("gauge " + sample.name() + " was never declared");
    }
    GaugeDataPoint point =
        sample.labelValues().isEmpty()
            ? gauge
            : gauge.labelValues(sample.labelValues().toArray(String[]::new));
    point.set(value);
  }

  /**
   * The current value of a counter or gauge sample (0 while never updated), for tests and probes.
   */
  public double value(String name) {
    Sample sample = Sample.parse(name);
    String[] labels = sample.labelValues().toArray(String[]::new);
    Counter counter = counters.get(sample.name());
    if (counter != null) {
      return labels.length == 0 ? counter.get() : counter.labelValues(labels).get();
    }
    Gauge gauge = gauges.get(sample.name());
    if (gauge != null) {
      return labels.length == 0 ? gauge.get() : gauge.labelValues(labels).get();
    }
    return 0;
  }

  /** A counter's total over all its label values (0 while never updated). */
  public double total(String counterName) {
    Counter counter = counters.get(counterName);
    if (counter == null) {
      return 0;
    }
    return counter.collect().getDataPoints().stream().mapToDouble(p -> p.getValue()).sum();
  }

  /** {@link #value} as a whole number (counts). */
  public long get(String name) {
    return Math.round(value(name));
  }

  /** The declared metrics with their help text. */
  public Map<String, String> declared() {
    return new TreeMap<>(help);
  }

  /** The Prometheus text exposition format of every metric. */
  public String scrape() {
    readHeap();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      PrometheusTextFormatWriter.create().write(out, registry.scrape());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private void readHeap() {
    MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    set(HEAP_USED, heap.getUsed());
    set(HEAP_PEAK, peak);
    set(HEAP_MAX, heap.getMax());
  }

  /** {@code name{a=x,b=y}}: the metric's name and its label values in order. */
  private record Sample(String name, List<String> labelValues) {
    static Sample parse(String text) {
      int brace = text.indexOf('{');
      if (brace < 0) {
        return new Sample(text, List.of());
      }
      List<String> values = new ArrayList<>();
      for (String pair : text.substring(brace + 1, text.length() - 1).split(",")) {
        values.add(pair.substring(pair.indexOf('=') + 1).replace("\"", ""));
      }
      return new Sample(text.substring(0, brace), values);
    }
  }
}
