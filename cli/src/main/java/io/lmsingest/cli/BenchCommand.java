package io.lmsingest.cli;

import io.lmsingest.bench.EndToEndBench;
import io.lmsingest.bench.LoaderBench;
import io.lmsingest.bench.SinkBench;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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
    subcommands = {BenchCommand.EndToEnd.class, BenchCommand.Sink.class, BenchCommand.Loader.class})
final class BenchCommand {
  /** How many times a benchmark runs; medians are reported. */
  static final class RunsOption {
    @Option(
        names = "--runs",
        defaultValue = "3",
        description = "Runs; medians are reported (default ${DEFAULT-VALUE}).")
    int runs;
  }

  @Command(
      name = "e2e",
      mixinStandardHelpOptions = true,
      description = {
        "One LMS day API -> ANALYTICS_READY on the embedded default, as `demo --records N --until-drained` runs it, in a",
        "fresh directory per run: wall time (stack start included), changes/s, each process's peak RSS (VmHWM: native",
        "memory included) and CPU seconds, freshness (ingested_at - the poller's Kafka timestamp) p50/p95/p99, then",
        "`replay loader` of the same day from S3 into an empty warehouse; each stage's rate (its service's counter) next",
        "to its ceiling measured on the run's own data (ProducerPerformance, ConsumerPerformance, Parquet encoding,",
        "DuckDB CTAS); then one backfill of --scale x N (default 4x) for every process's peak RSS and heap at both sizes;",
        "then freshness in live mode at 5M/day and 50x that, default and low-latency configuration. Prints a table per run",
        "and the medians."
      })
  static final class EndToEnd implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(
        names = "--records",
        defaultValue = "5000000",
        description = "Changes the simulator serves (default ${DEFAULT-VALUE}: one LMS day).")
    long records;

    @Mixin RunsOption runs;

    @Option(
        names = "--timeout",
        paramLabel = "MINUTES",
        defaultValue = "15",
        description =
            "A run that has not drained after this long fails (default ${DEFAULT-VALUE}).")
    int timeoutMinutes;

    @Option(
        names = "--keep",
        description = "Keep each run's directory (data, logs) instead of deleting it.")
    boolean keep;

    @Option(
        names = "--live-seconds",
        defaultValue = "60",
        description =
            "Each live-mode run (5M/day and 50x that, default and low-latency configuration) serves changes this long (default ${DEFAULT-VALUE}; 0 = no live runs).")
    int liveSeconds;

    @Option(
        names = "--scale",
        defaultValue = "4",
        description =
            "After the runs, one backfill of this many times --records (default ${DEFAULT-VALUE}; its --timeout scaled"
                + " alike): peak RSS and heap of every process at N next to it. 1 = none.")
    int scale;

    @Override
    public Integer call() throws Exception {
      if (scale < 1) {
        throw new picocli.CommandLine.ParameterException(
            spec.commandLine(), "--scale must be 1 (none) or more");
      }
      return new EndToEndBench(
              spec.commandLine().getOut(),
              records,
              runs.runs,
              keep,
              backfill(records, timeoutMinutes),
              // Live runs: the rate, start and size come from the run's stack.properties.
              demo(timeoutMinutes, "--progress-interval", "5"),
              liveSeconds,
              scale,
              backfill(records * scale, timeoutMinutes * scale))
          .run();
    }

    private EndToEndBench.Demo backfill(long changes, int timeout) {
      return demo(
          timeout,
          "--records",
          Long.toString(changes),
          // All the changes as history at the default 5M/day: a backfill, not changes - 5M
          // trickling in live.
          "--days",
          Double.toString(Math.max(1.0, changes / 5_000_000.0)),
          "--progress-interval",
          "2");
    }

    /** `demo --until-drained` in the run's directory with {@code extra} arguments. */
    private EndToEndBench.Demo demo(int timeout, String... extra) {
      return (dataDir, out) -> {
        List<String> args =
            new ArrayList<>(
                List.of(
                    "demo",
                    "--until-drained",
                    "--data-dir",
                    dataDir.toString(),
                    "--timeout",
                    Integer.toString(timeout)));
        args.addAll(List.of(extra));
        return new picocli.CommandLine(new LmsIngest())
            .setOut(out)
            .setErr(out)
            .execute(args.toArray(String[]::new));
      };
    }
  }

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

    @Mixin RunsOption runs;

    @Option(
        names = "--naive-rows",
        defaultValue = "20000",
        description = "Rows the row-by-row INSERT gets (default ${DEFAULT-VALUE}).")
    int naiveRows;

    @Override
    public Integer call() throws Exception {
      return new LoaderBench(spec.commandLine().getOut(), records, runs.runs, naiveRows).run();
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

    @Mixin RunsOption runs;

    @Option(
        names = "--heap",
        defaultValue = "256m",
        description = "-Xmx of both consumers (default ${DEFAULT-VALUE}).")
    String heap;

    @Override
    public Integer call() throws Exception {
      return new SinkBench(spec.commandLine().getOut(), records, partitions, runs.runs, heap).run();
    }
  }
}
