package io.lmsingest.cli;

import io.lmsingest.simulator.SimulatorMain;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code ./lms-ingest}. */
@Command(
    name = "lms-ingest",
    mixinStandardHelpOptions = true,
    versionProvider = LmsIngest.Version.class,
    description =
        "Exactly-once streaming ingestion of LMS learner activity: API -> Kafka -> Parquet on S3 -> warehouse.",
    subcommands = {
      InfraCommand.class,
      SimulatorMain.class,
      PollerCommand.class,
      ValidatorCommand.class,
      SinkCommand.class,
      LoaderCommand.class,
      DemoCommand.class,
      StatusCommand.class,
      ReplayCommand.class,
      RedriveCommand.class,
      SqlCommand.class,
      BenchCommand.class,
      CommandLine.HelpCommand.class
    })
public final class LmsIngest {

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new LmsIngest());
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          // An operator gets the reason, not a stack trace; --debug-style detail is in the service
          // logs.
          commandLine
              .getErr()
              .println("lms-ingest " + commandLine.getCommandName() + ": " + describe(e));
          return 1;
        });
    return cli;
  }

  static String describe(Throwable e) {
    StringBuilder text =
        new StringBuilder(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
    for (Throwable cause = e.getCause();
        cause != null && cause != cause.getCause();
        cause = cause.getCause()) {
      if (cause.getMessage() != null && !text.toString().contains(cause.getMessage())) {
        text.append("\n  caused by: ").append(cause.getMessage());
      }
    }
    return text.toString();
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = LmsIngest.class.getPackage().getImplementationVersion();
      return new String[] {"lms-ingest " + (version == null ? "development build" : version)};
    }
  }
}
