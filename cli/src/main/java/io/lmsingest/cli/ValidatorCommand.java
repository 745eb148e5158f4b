package io.lmsingest.cli;

import io.lmsingest.validator.ValidatorApp;
import io.lmsingest.validator.ValidatorConfig;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code ./lms-ingest validator --config FILE}. */
@Command(
    name = "validator",
    mixinStandardHelpOptions = true,
    description = {
      "Validate lms.learner-activity.raw into .v1, invalid records into .dlq (Kafka Streams, exactly_once_v2).",
      "Config: a properties file; LMS_<KEY> environment variables override it."
    })
final class ValidatorCommand implements Callable<Integer> {
  @Mixin ServiceConfigOptions options;

  @Override
  public Integer call() throws Exception {
    Optional<Map<String, String>> values = options.valuesOrDescribe(ValidatorConfig.DEFINITION);
    return values.isEmpty()
        ? 0
        : ValidatorApp.runUntilStopped(ValidatorConfig.load(values.get(), System.getenv()));
  }
}
