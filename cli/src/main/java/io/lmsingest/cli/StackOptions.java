package io.lmsingest.cli;

import io.lmsingest.simulator.SimulatorMain;
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
      description = "Days of backfill before live (first start only; default 1).")
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
      settings.setProperty(
          "simulator.start", SimulatorMain.defaultStart(days == null ? 1 : days).toString());
    }
    if (records != null) {
      settings.putIfAbsent("simulator.records", records.toString());
    }
  }

  private static void setDefault(Properties settings, String key, Number given, Number fallback) {
    if (!settings.containsKey(key)) {
      settings.setProperty(key, String.valueOf(given != null ? given : fallback));
    }
  }
}
