package io.lmsingest.cli;

import io.lmsingest.poller.PollerMain;
import io.lmsingest.poller.config.PollerConfig;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code ./lms-ingest poller --config FILE}. */
@Command(
    name = "poller",
    mixinStandardHelpOptions = true,
    description = {
      "Poll the LMS activity API into Kafka, exactly once (page and cursor in one transaction).",
      "Config: a properties file; LMS_<KEY> environment variables override it (lms.api.page.size -> LMS_API_PAGE_SIZE)."
    })
final class PollerCommand implements Callable<Integer> {
  @Mixin ServiceConfigOptions options;

  @Override
  public Integer call() throws Exception {
    Optional<Map<String, String>> values = options.valuesOrDescribe(PollerConfig.DEFINITION);
    return values.isEmpty() ? 0 : PollerMain.run(PollerConfig.load(values.get(), System.getenv()));
  }
}
