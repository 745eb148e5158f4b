package io.lmsingest.kit.metrics;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A service's counters and gauges, named {@code lms_<service>_*}, optionally with {@code
 * {label=value}}. Read by the /metrics endpoint and by tests.
 */
public final class ServiceMetrics {
  private final Map<String, AtomicLong> values = new ConcurrentHashMap<>();

  public void increment(String name) {
    add(name, 1);
  }

  public void add(String name, long delta) {
    values.computeIfAbsent(name, n -> new AtomicLong()).addAndGet(delta);
  }

  public void set(String name, long value) {
    values.computeIfAbsent(name, n -> new AtomicLong()).set(value);
  }

  public long get(String name) {
    AtomicLong value = values.get(name);
    return value == null ? 0 : value.get();
  }

  /** Prometheus form: {@code name{cause=x}} becomes {@code name{cause="x"}}. */
  public Map<String, Long> prometheus() {
    Map<String, Long> out = new TreeMap<>();
    snapshot().forEach((k, v) -> out.put(k.replaceAll("=([^,}\"]+)", "=\"$1\""), v));
    return out;
  }

  public Map<String, Long> snapshot() {
    Map<String, Long> copy = new TreeMap<>();
    values.forEach((k, v) -> copy.put(k, v.get()));
    return copy;
  }
}
