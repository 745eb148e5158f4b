package io.lmsingest.cli;

import io.lmsingest.localstack.StackLayout;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ./lms-ingest infra up|down|status}. */
@Command(
    name = "infra",
    mixinStandardHelpOptions = true,
    description = "Start, stop or show the local infrastructure: Kafka broker, schema registry, S3 server, LMS simulator.",
    subcommands = {InfraCommand.Up.class, InfraCommand.Down.class, InfraCommand.Status.class})
final class InfraCommand {

  @Command(name = "up", mixinStandardHelpOptions = true,
      description = {"Start every local service that is not running yet, each its own process, and print the endpoints.",
          "Ports, seed and history start are remembered in DIR/stack.properties for later starts."})
  static final class Up implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin DataDirOption data;

    @Option(names = "--kafka-port", description = "Broker port (first start only; default 9092).") Integer kafkaPort;
    @Option(names = "--kafka-controller-port", description = "KRaft controller port (first start only; default 9093).") Integer controllerPort;
    @Option(names = "--registry-port", description = "Schema registry port (first start only; default 8081).") Integer registryPort;
    @Option(names = "--s3-port", description = "S3 server port (first start only; default 9000).") Integer s3Port;
    @Option(names = "--simulator-port", description = "LMS simulator port (first start only; default 8080).") Integer simulatorPort;
    @Option(names = "--seed", description = "Simulated history seed (first start only; default 42).") Long seed;
    @Option(names = "--rate", paramLabel = "PER_DAY", description = "Simulated changes per day (first start only; default 5000000).") Long rate;
    @Option(names = "--days", paramLabel = "D", description = "Days of backfill before live (first start only; default 1).") Double days;
    @Option(names = "--records", paramLabel = "N", description = "Total changes the simulator serves (first start only; default endless).") Long records;

    @Override
    public Integer call() throws IOException {
      StackLayout layout = data.layout();
      Properties settings = layout.loadSettings();
      setDefault(settings, "kafka.port", kafkaPort, 9092);
      setDefault(settings, "kafka.controller.port", controllerPort, 9093);
      setDefault(settings, "registry.port", registryPort, 8081);
      setDefault(settings, "s3.port", s3Port, 9000);
      setDefault(settings, "simulator.port", simulatorPort, 8080);
      setDefault(settings, "simulator.seed", seed, 42L);
      setDefault(settings, "simulator.rate", rate, 5_000_000L);
      if (!settings.containsKey("simulator.start")) {
        settings.setProperty("simulator.start", SimulatorCommand.defaultStart(days == null ? 1 : days).toString());
      }
      if (records != null) {
        settings.putIfAbsent("simulator.records", records.toString());
      }
      layout.saveSettings(settings);
      LocalStack stack = new LocalStack(layout, settings);
      PrintWriter out = spec.commandLine().getOut();
      stack.up(out);
      out.println();
      stack.printEndpoints(out);
      out.println("\nStop everything with: ./lms-ingest infra down" + (data.dataDir.toString().equals(DataDirOption.DEFAULT) ? "" : " --data-dir " + data.dataDir));
      return 0;
    }

    private static void setDefault(Properties settings, String key, Number given, Number fallback) {
      if (!settings.containsKey(key)) {
        settings.setProperty(key, String.valueOf(given != null ? given : fallback));
      }
    }
  }

  @Command(name = "down", mixinStandardHelpOptions = true,
      description = "Stop every local service started from DIR (SIGTERM, then SIGKILL after 20 s). Data stays.")
  static final class Down implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin DataDirOption data;

    @Override
    public Integer call() throws IOException {
      StackLayout layout = data.layout();
      PrintWriter out = spec.commandLine().getOut();
      if (!java.nio.file.Files.isRegularFile(layout.settingsFile())) {
        out.println("nothing to stop: " + layout.root() + " has no local stack");
        return 0;
      }
      int stopped = new LocalStack(layout, layout.loadSettings()).down(out);
      out.println(stopped == 0 ? "nothing was running" : "stopped " + stopped + " service(s); data kept in " + layout.root());
      return 0;
    }
  }

  @Command(name = "status", mixinStandardHelpOptions = true, description = "Show each local service, its endpoint and whether it runs.")
  static final class Status implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin DataDirOption data;

    @Override
    public Integer call() throws IOException {
      StackLayout layout = data.layout();
      if (!java.nio.file.Files.isRegularFile(layout.settingsFile())) {
        spec.commandLine().getOut().println("no local stack in " + layout.root() + " (start one with ./lms-ingest infra up)");
        return 1;
      }
      new LocalStack(layout, layout.loadSettings()).printEndpoints(spec.commandLine().getOut());
      return 0;
    }
  }
}
