package io.lmsingest.bench;

import io.lmsingest.localstack.Ports;
import java.util.List;
import java.util.Properties;

/** Medians of benchmark runs and the free ports their stacks run on. */
final class BenchStats {
  private BenchStats() {}

  static double median(List<double[]> results, int column) {
    List<Double> sorted = results.stream().map(r -> r[column]).sorted().toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  /** Stack settings on free ports, so a benchmark never meets a running demo's services. */
  static Properties freePorts() {
    Properties settings = new Properties();
    for (String port :
        List.of(
            "kafka.port", "kafka.controller.port", "registry.port", "s3.port", "simulator.port")) {
      settings.setProperty(port, Integer.toString(Ports.free()));
    }
    return settings;
  }
}
