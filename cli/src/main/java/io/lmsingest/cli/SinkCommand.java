package io.lmsingest.cli;

import io.lmsingest.config.ServiceConfigFile;
import io.lmsingest.sink.SinkApp;
import io.lmsingest.sink.SinkConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./lms-ingest sink --config FILE}. */
@Command(
    name = "sink",
    mixinStandardHelpOptions = true,
    description = {
      "Write lms.learner-activity.v1 to zstd Parquet Bronze files on S3, one manifest per file; offsets are committed",
      "only after file and manifest are durable. Config: a properties file; LMS_<KEY> environment variables override it."
    })
final class SinkCommand implements Callable<Integer> {
  @Option(names = "--config", paramLabel = "FILE", description = "Sink properties file.")
  Path config;

  @Option(names = "--describe-config", description = "Print every key with its default and documentation, then exit.")
  boolean describe;

  @Override
  public Integer call() throws Exception {
    if (describe) {
      System.out.println(SinkConfig.DEFINITION.toEnrichedRst());
      return 0;
    }
    if (config == null) {
      throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "--config FILE is required");
    }
    return SinkApp.runUntilStopped(SinkConfig.load(ServiceConfigFile.read(config), System.getenv()));
  }
}
