package io.lmsingest.sink;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** The sink's counters and gauges, named {@code lms_sink_*}. */
public final class SinkMetrics {
  private final Map<String, AtomicLong> values = new ConcurrentHashMap<>();

  void increment(String name) {
    add(name, 1);
  }

  void add(String name, long delta) {
    values.computeIfAbsent(name, n -> new AtomicLong()).addAndGet(delta);
  }

  void set(String name, long value) {
    values.computeIfAbsent(name, n -> new AtomicLong()).set(value);
  }

  public long get(String name) {
    AtomicLong value = values.get(name);
    return value == null ? 0 : value.get();
  }

  public Map<String, Long> snapshot() {
    Map<String, Long> copy = new TreeMap<>();
    values.forEach((k, v) -> copy.put(k, v.get()));
    return copy;
  }
}
