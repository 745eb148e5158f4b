package io.lmsingest.cli;

import io.lmsingest.loader.LoaderApp;
import io.lmsingest.loader.LoaderConfig;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code ./lms-ingest loader --config FILE}. */
@Command(
    name = "loader",
    mixinStandardHelpOptions = true,
    description = {
      "Follow lms.bronze.manifests and load each micro-batch of Bronze files into the warehouse in ONE transaction:",
      "COPY into RAW_LEARNER_ACTIVITY, quarantine, MERGE into ANALYTICS_READY, LOAD_LEDGER; then commit the topic offsets.",
      "Config: a properties file; LMS_<KEY> environment variables override it."
    })
final class LoaderCommand implements Callable<Integer> {
  @Mixin ServiceConfigOptions options;

  @Override
  public Integer call() throws Exception {
    Optional<Map<String, String>> values = options.valuesOrDescribe(LoaderConfig.DEFINITION);
    return values.isEmpty()
        ? 0
        : LoaderApp.runUntilStopped(LoaderConfig.load(values.get(), System.getenv()));
  }
}
