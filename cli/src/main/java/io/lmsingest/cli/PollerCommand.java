package io.lmsingest.cli;

import io.lmsingest.poller.PollerMain;
import io.lmsingest.poller.config.PollerConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./lms-ingest poller --config FILE}. */
@Command(
    name = "poller",
    mixinStandardHelpOptions = true,
    description = {
      "Poll the LMS activity API into Kafka, exactly once (page and cursor in one transaction).",
      "Config: a properties file; LMS_<KEY> environment variables override it (lms.api.page.size -> LMS_API_PAGE_SIZE).",
      "Keys: see --describe-config."
    })
final class PollerCommand implements Callable<Integer> {
  @Option(names = "--config", paramLabel = "FILE", description = "Poller properties file.")
  Path config;

  @Option(names = "--describe-config", description = "Print every key with its default and documentation, then exit.")
  boolean describe;

  @Override
  public Integer call() throws Exception {
    if (describe) {
      System.out.println(PollerConfig.DEFINITION.toEnrichedRst());
      return 0;
    }
    if (config == null) {
      throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "--config FILE is required");
    }
    return PollerMain.run(config, System.getenv());
  }
}
