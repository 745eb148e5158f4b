package io.lmsingest.cli;

import io.lmsingest.loader.LoaderApp;
import io.lmsingest.loader.LoaderConfig;
import io.lmsingest.loader.batch.BatchResult;
import io.lmsingest.schemas.ConsumerGroups;
import io.lmsingest.schemas.Topics;
import io.lmsingest.stack.GroupOffsetReset;
import io.lmsingest.stack.LocalStack;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ./lms-ingest replay loader [--from T] [--force] --config FILE}. */
@Command(
    name = "replay",
    mixinStandardHelpOptions = true,
    description = "Replay a stage of the pipeline.",
    subcommands = {ReplayCommand.Sink.class, ReplayCommand.Loader.class})
final class ReplayCommand {

  @Command(
      name = "sink",
      mixinStandardHelpOptions = true,
      description = {
        "Reset the s3-sink group's committed offsets (Kafka Admin API) so the sink re-derives Bronze from there. Existing",
        "objects are found by their deterministic keys and adopted, so Bronze and the warehouse end up unchanged. Refuses while",
        "the group has members: stop the sink first. Same as: kafka-consumer-groups.sh --bootstrap-server B --group lms-s3-sink",
        "--topic lms.learner-activity.v1 --reset-offsets --to-datetime T --execute"
      })
  static final class Sink implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @picocli.CommandLine.ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    @Mixin DataDirOption data;

    @Option(names = "--bootstrap-servers", description = "Kafka (default: the local stack of DIR).")
    String bootstrap;

    @Option(
        names = "--group",
        defaultValue = ConsumerGroups.SINK,
        description = "The sink's group (default ${DEFAULT-VALUE}).")
    String group;

    @Option(
        names = "--topic",
        defaultValue = Topics.V1,
        description = "Its topic (default ${DEFAULT-VALUE}).")
    String topic;

    static final class Target {
      @Option(
          names = "--to-datetime",
          paramLabel = "T",
          required = true,
          description =
              "The first offset at or after this instant (ISO-8601, e.g. 2026-11-24T00:00:00Z).")
      Instant datetime;

      @Option(
          names = "--to-earliest",
          required = true,
          description = "The beginning of every partition.")
      boolean earliest;
    }

    @Override
    public Integer call() throws Exception {
      String servers =
          bootstrap != null
              ? bootstrap
              : new LocalStack(data.layout(), data.layout().loadSettings())
                  .kafka()
                  .bootstrapServers();
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", servers))) {
        Map<TopicPartition, Long> reset =
            GroupOffsetReset.reset(
                admin,
                group,
                topic,
                target.earliest ? Optional.empty() : Optional.of(target.datetime));
        PrintWriter out = spec.commandLine().getOut();
        reset.forEach(
            (tp, offset) -> out.printf("%s-%d -> %d%n", tp.topic(), tp.partition(), offset));
        out.printf("group %s reset; the sink re-derives Bronze from there when it starts%n", group);
        return 0;
      } catch (GroupOffsetReset.GroupActiveException e) {
        spec.commandLine().getErr().println(e.getMessage() + ": stop the sink first, then replay");
        return 1;
      }
    }
  }

  @Command(
      name = "loader",
      mixinStandardHelpOptions = true,
      description = {
        "Re-load the warehouse from the manifests in S3: no Kafka and no LMS API needed (rebuilds a lost warehouse).",
        "Files already in LOAD_LEDGER are skipped unless --force; MERGE never lets an older version win, so a reload changes",
        "nothing that is already right. Uses the loader's config file."
      })
  static final class Loader implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin ServiceConfigOptions options;

    @Option(
        names = "--from",
        paramLabel = "T",
        description =
            "Only manifests created at or after this instant (ISO-8601, e.g. 2026-11-24T00:00:00Z).")
    Instant from;

    @Option(
        names = "--force",
        description = "Load files again even if the ledger has them (an operator's reload).")
    boolean force;

    @Override
    public Integer call() throws Exception {
      Optional<Map<String, String>> values = options.valuesOrDescribe(LoaderConfig.DEFINITION);
      if (values.isEmpty()) {
        return 0;
      }
      List<BatchResult> results =
          LoaderApp.replay(
              LoaderConfig.load(values.get(), System.getenv()), Optional.ofNullable(from), force);
      PrintWriter out = spec.commandLine().getOut();
      out.printf(
          "replay loader: %d batches, %d files loaded, %d skipped batches; rows copied %d, inserted %d, updated %d, unchanged %d,"
              + " quarantined %d%n",
          results.stream().filter(r -> r.files() > 0).count(),
          results.stream().mapToLong(BatchResult::files).sum(),
          results.stream().filter(r -> r.files() == 0).count(),
          results.stream().mapToLong(BatchResult::rowsCopied).sum(),
          results.stream().mapToLong(BatchResult::rowsInserted).sum(),
          results.stream().mapToLong(BatchResult::rowsUpdated).sum(),
          results.stream().mapToLong(BatchResult::rowsUnchanged).sum(),
          results.stream().mapToLong(BatchResult::rowsQuarantined).sum());
      return 0;
    }
  }
}
