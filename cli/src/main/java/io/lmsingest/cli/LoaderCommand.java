package io.lmsingest.cli;

import io.lmsingest.loader.LoaderApp;
import io.lmsingest.loader.LoaderConfig;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code ./lms-ingest loader --config FILE}. */
@Command(
    name = "loader",
    mixinStandardHelpOptions = true,
    subcommands = LoaderCommand.Check.class,
    description = {
      "Follow lms.bronze.manifests and load each micro-batch of Bronze files into the warehouse in ONE transaction:",
      "COPY into RAW_LEARNER_ACTIVITY, quarantine, MERGE into ANALYTICS_READY, LOAD_LEDGER; then commit the topic offsets.",
      "The embedded DuckDB merges straight from the batch's files unless duckdb.raw.keep=true.",
      "Config: a properties file; LMS_<KEY> environment variables override it.",
      "`loader check --config FILE` checks a Snowflake account for everything the loader needs."
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

  /** {@code ./lms-ingest loader check --config FILE}. */
  @Command(
      name = "check",
      mixinStandardHelpOptions = true,
      description = {
        "Check, read-only, that the configured Snowflake account has everything the loader needs:",
        "key-pair login, role/warehouse/database/schema, UTC session, grants, the stage and its storage",
        "integration, the lms_parquet file format, a COPY dry run (VALIDATION_MODE = RETURN_ERRORS) and",
        "INFER_SCHEMA of one Bronze file against the tables. Prints the statement that fixes each failed",
        "check. Exit code: 0 ready, 1 a check failed, 2 not a Snowflake config. It changes nothing."
      })
  static final class Check implements Callable<Integer> {
    @Mixin ServiceConfigOptions options;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      Optional<Map<String, String>> values = options.valuesOrDescribe(LoaderConfig.DEFINITION);
      return values.isEmpty()
          ? 0
          : LoaderApp.check(
              LoaderConfig.load(values.get(), System.getenv()), spec.commandLine().getOut());
    }
  }
}
