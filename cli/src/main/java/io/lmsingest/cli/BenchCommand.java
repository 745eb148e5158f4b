package io.lmsingest.cli;

import io.lmsingest.bench.LoaderBench;
import io.lmsingest.bench.SinkBench;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./lms-ingest bench sink|loader}: re-runnable benchmarks on a throw-away local stack (see
 * BENCHMARKS.md).
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description =
        "Benchmarks on a fresh local stack in a temporary directory (nothing else is touched).",
    subcommands = {BenchCommand.Sink.class, BenchCommand.Loader.class})
final class BenchCommand {

  @Command(
      name = "loader",
      mixinStandardHelpOptions = true,
      description = {
        "Loader COPY+MERGE rows/s on the embedded warehouse next to DuckDB's own ceiling (CREATE TABLE AS SELECT * FROM",
        "read_parquet on the same files) and the naive row-by-row JDBC INSERT, same files, same run. Bronze is written by the sink's",
        "own Bronze writer into an in-process S3 server; each run loads into a fresh DuckDB file."
      })
  static final class Loader implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(
        names = "--records",
        defaultValue = "2000000",
        description = "Changes in Bronze (default ${DEFAULT-VALUE}).")
    int records;

    @Option(
        names = "--runs",
        defaultValue = "3",
        description = "Runs; medians are reported (default ${DEFAULT-VALUE}).")
    int runs;

    @Option(
        names = "--naive-rows",
        defaultValue = "20000",
        description = "Rows the row-by-row INSERT gets (default ${DEFAULT-VALUE}).")
    int naiveRows;

    @Override
    public Integer call() throws Exception {
      return new LoaderBench(spec.commandLine().getOut(), records, runs, naiveRows).run();
    }
  }

  @Command(
      name = "sink",
      mixinStandardHelpOptions = true,
      description = {
        "s3-sink records/s next to Kafka's own consumer ceiling (ConsumerPerformance), same topic, same run.",
        "Fills a topic once (Avro, transactional, like the validator writes v1), then per run: ConsumerPerformance",
        "(read_committed) and the sink as its own process, each from launch to the last offset, with a fresh group."
      })
  static final class Sink implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(
        names = "--records",
        defaultValue = "2000000",
        description = "Records in the topic (default ${DEFAULT-VALUE}).")
    int records;

    @Option(
        names = "--partitions",
        defaultValue = "12",
        description = "Partitions (default ${DEFAULT-VALUE}).")
    int partitions;

    @Option(
        names = "--runs",
        defaultValue = "3",
        description = "Runs; medians are reported (default ${DEFAULT-VALUE}).")
    int runs;

    @Option(
        names = "--heap",
        defaultValue = "256m",
        description = "-Xmx of both consumers (default ${DEFAULT-VALUE}).")
    String heap;

    @Override
    public Integer call() throws Exception {
      return new SinkBench(spec.commandLine().getOut(), records, partitions, runs, heap).run();
    }
  }
}
