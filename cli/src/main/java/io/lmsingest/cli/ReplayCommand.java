package io.lmsingest.cli;

import io.lmsingest.loader.LoaderApp;
import io.lmsingest.loader.LoaderConfig;
import io.lmsingest.loader.batch.BatchResult;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ./lms-ingest replay loader [--from T] [--force] --config FILE}. */
@Command(name = "replay", mixinStandardHelpOptions = true, description = "Replay a stage of the pipeline.",
    subcommands = {ReplayCommand.Loader.class})
final class ReplayCommand {

  @Command(name = "loader", mixinStandardHelpOptions = true,
      description = {"Re-load the warehouse from the manifests in S3: no Kafka and no LMS API needed (rebuilds a lost warehouse).",
          "Files already in LOAD_LEDGER are skipped unless --force; MERGE never lets an older version win, so a reload changes",
          "nothing that is already right. Uses the loader's config file."})
  static final class Loader implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin ServiceConfigOptions options;

    @Option(names = "--from", paramLabel = "T", description = "Only manifests created at or after this instant (ISO-8601, e.g. 2026-11-24T00:00:00Z).")
    Instant from;

    @Option(names = "--force", description = "Load files again even if the ledger has them (an operator's reload).")
    boolean force;

    @Override
    public Integer call() throws Exception {
      Optional<Map<String, String>> values = options.valuesOrDescribe(LoaderConfig.DEFINITION);
      if (values.isEmpty()) {
        return 0;
      }
      List<BatchResult> results = LoaderApp.replay(LoaderConfig.load(values.get(), System.getenv()), Optional.ofNullable(from), force);
      PrintWriter out = spec.commandLine().getOut();
      out.printf("replay loader: %d batches, %d files loaded, %d skipped batches; rows copied %d, inserted %d, updated %d, unchanged %d,"
              + " quarantined %d%n",
          results.stream().filter(r -> r.files() > 0).count(), results.stream().mapToLong(BatchResult::files).sum(),
          results.stream().filter(r -> r.files() == 0).count(), results.stream().mapToLong(BatchResult::rowsCopied).sum(),
          results.stream().mapToLong(BatchResult::rowsInserted).sum(), results.stream().mapToLong(BatchResult::rowsUpdated).sum(),
          results.stream().mapToLong(BatchResult::rowsUnchanged).sum(), results.stream().mapToLong(BatchResult::rowsQuarantined).sum());
      return 0;
    }
  }
}
