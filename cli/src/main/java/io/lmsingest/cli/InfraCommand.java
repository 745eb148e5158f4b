package io.lmsingest.cli;

import io.lmsingest.localstack.StackLayout;
import io.lmsingest.stack.LocalStack;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/** {@code ./lms-ingest infra up|down|status}. */
@Command(
    name = "infra",
    mixinStandardHelpOptions = true,
    description =
        "Start, stop or show the local infrastructure: Kafka broker, schema registry, S3 server, LMS simulator.",
    subcommands = {InfraCommand.Up.class, InfraCommand.Down.class, InfraCommand.Status.class})
final class InfraCommand {

  @Command(
      name = "up",
      mixinStandardHelpOptions = true,
      description = {
        "Start every local service that is not running yet, each its own process, and print the endpoints.",
        "Ports, seed and history start are remembered in DIR/stack.properties for later starts."
      })
  static final class Up implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin DataDirOption data;

    @Mixin StackOptions stackOptions;

    @Override
    public Integer call() throws IOException {
      StackLayout layout = data.layout();
      Properties settings = layout.loadSettings();
      stackOptions.settle(settings);
      layout.saveSettings(settings);
      LocalStack stack = new LocalStack(layout, settings);
      PrintWriter out = spec.commandLine().getOut();
      stack.up(out);
      out.println();
      stack.printEndpoints(out);
      out.println(
          "\nStop everything with: ./lms-ingest infra down"
              + (data.dataDir.toString().equals(DataDirOption.DEFAULT)
                  ? ""
                  : " --data-dir " + data.dataDir));
      return 0;
    }
  }

  @Command(
      name = "down",
      mixinStandardHelpOptions = true,
      description =
          "Stop every local service started from DIR (SIGTERM, then SIGKILL after 20 s). Data stays.")
  static final class Down implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin DataDirOption data;

    @Override
    public Integer call() throws IOException {
      StackLayout layout = data.layout();
      PrintWriter out = spec.commandLine().getOut();
      if (!Files.isRegularFile(layout.settingsFile())) {
        out.println("nothing to stop: " + layout.root() + " has no local stack");
        return 0;
      }
      int stopped = new LocalStack(layout, layout.loadSettings()).down(out);
      out.println(
          stopped == 0
              ? "nothing was running"
              : "stopped " + stopped + " service(s); data kept in " + layout.root());
      return 0;
    }
  }

  @Command(
      name = "status",
      mixinStandardHelpOptions = true,
      description = "Show each local service, its endpoint and whether it runs.")
  static final class Status implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin DataDirOption data;

    @Override
    public Integer call() throws IOException {
      StackLayout layout = data.layout();
      if (!Files.isRegularFile(layout.settingsFile())) {
        spec.commandLine()
            .getOut()
            .println(
                "no local stack in " + layout.root() + " (start one with ./lms-ingest infra up)");
        return 1;
      }
      new LocalStack(layout, layout.loadSettings()).printEndpoints(spec.commandLine().getOut());
      return 0;
    }
  }
}
