package io.lmsingest.cli;

import io.lmsingest.poller.PollerMain;
import io.lmsingest.validator.ValidatorApp;
import io.lmsingest.validator.ValidatorConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./lms-ingest validator --config FILE}. */
@Command(
    name = "validator",
    mixinStandardHelpOptions = true,
    description = {
      "Validate lms.learner-activity.raw into .v1, invalid records into .dlq (Kafka Streams, exactly_once_v2).",
      "Config: a properties file; LMS_<KEY> environment variables override it."
    })
final class ValidatorCommand implements Callable<Integer> {
  @Option(names = "--config", paramLabel = "FILE", required = true, description = "Validator properties file.")
  Path config;

  @Override
  public Integer call() throws Exception {
    return ValidatorApp.runUntilStopped(ValidatorConfig.load(PollerMain.readProperties(config), System.getenv()));
  }
}
