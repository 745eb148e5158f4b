package io.lmsingest.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Properties;
import picocli.CommandLine.Option;

/**
 * Ports and simulated history of the local stack; only the first start of a data directory takes
 * them.
 */
final class StackOptions {
  @Option(names = "--kafka-port", description = "Broker port (first start only; default 9092).")
  Integer kafkaPort;

  @Option(
      names = "--kafka-controller-port",
      description = "KRaft controller port (first start only; default 9093).")
  Integer controllerPort;

  @Option(
      names = "--registry-port",
      description = "Schema registry port (first start only; default 8081).")
  Integer registryPort;

  @Option(names = "--s3-port", description = "S3 server port (first start only; default 9000).")
  Integer s3Port;

  @Option(
      names = "--simulator-port",
      description = "LMS simulator port (first start only; default 8080).")
  Integer simulatorPort;

  @Option(names = "--seed", description = "Simulated history seed (first start only; default 42).")
  Long seed;

  @Option(
      names = "--rate",
      paramLabel = "PER_DAY",
      description = "Simulated changes per day (first start only; default 5000000).")
  Long rate;

  @Option(
      names = "--days",
      paramLabel = "D",
      description =
          "Days of history, ending now, served as a backfill before live (first start only; default 1). With --until-drained and no --records: exactly that history, then the demo ends.")
  Double days;

  @Option(
      names = "--records",
      paramLabel = "N",
      description = "Total changes the simulator serves (first start only; default endless).")
  Long records;

  /** Fills in what DIR/stack.properties does not have yet, from the options or the defaults. */
  void settle(Properties settings) {
    setDefault(settings, "kafka.port", kafkaPort, 9092);
    setDefault(settings, "kafka.controller.port", controllerPort, 9093);
    setDefault(settings, "registry.port", registryPort, 8081);
    setDefault(settings, "s3.port", s3Port, 9000);
    setDefault(settings, "simulator.port", simulatorPort, 8080);
    setDefault(settings, "simulator.seed", seed, 42L);
    setDefault(settings, "simulator.rate", rate, 5_000_000L);
    if (!settings.containsKey("simulator.start")) {
      // D days of history that end now (kept in stack.properties, so a restart serves the same
      // history).
      settings.setProperty(
          "simulator.start", historyStart(days == null ? 1 : days, Instant.now()).toString());
    }
    if (records != null) {
      settings.putIfAbsent("simulator.records", records.toString());
    }
  }

  /**
   * With --days D and no --records: a finite history of exactly D days at the rate (for
   * --until-drained, which needs an end). Only on the first start of a data directory.
   */
  void finiteHistoryFromDays(Properties settings) {
    if (days != null && records == null && !settings.containsKey("simulator.records")) {
      long rate = Long.parseLong(settings.getProperty("simulator.rate"));
      settings.setProperty(
          "simulator.records", Long.toString(Math.max(1, Math.round(days * rate))));
    }
  }

  /** The first change of a history of {@code days} days that ends at {@code now}. */
  static Instant historyStart(double days, Instant now) {
    return now.minus(Duration.ofMillis((long) (days * 86_400_000L)))
        .truncatedTo(ChronoUnit.SECONDS);
  }

  private static void setDefault(Properties settings, String key, Number given, Number fallback) {
    if (!settings.containsKey(key)) {
      settings.setProperty(key, String.valueOf(given != null ? given : fallback));
    }
  }
}
