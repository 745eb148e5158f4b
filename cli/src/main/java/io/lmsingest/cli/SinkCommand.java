package io.lmsingest.cli;

import io.lmsingest.sink.SinkApp;
import io.lmsingest.sink.SinkConfig;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code ./lms-ingest sink --config FILE}. */
@Command(
    name = "sink",
    mixinStandardHelpOptions = true,
    description = {
      "Write lms.learner-activity.v1 to zstd Parquet Bronze files on S3, one manifest per file; offsets are committed",
      "only after file and manifest are durable. Config: a properties file; LMS_<KEY> environment variables override it."
    })
final class SinkCommand implements Callable<Integer> {
  @Mixin ServiceConfigOptions options;

  @Override
  public Integer call() throws Exception {
    Optional<Map<String, String>> values = options.valuesOrDescribe(SinkConfig.DEFINITION);
    return values.isEmpty()
        ? 0
        : SinkApp.runUntilStopped(SinkConfig.load(values.get(), System.getenv()));
  }
}
