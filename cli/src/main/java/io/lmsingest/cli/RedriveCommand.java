package io.lmsingest.cli;

import io.lmsingest.kit.config.ServiceConfigFile;
import io.lmsingest.schemas.Topics;
import io.lmsingest.stack.LocalStack;
import io.lmsingest.validator.ValidatorConfig;
import io.lmsingest.validator.redrive.DlqRedrive;
import io.lmsingest.validator.redrive.RedriveSelection;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code ./lms-ingest redrive [--rule R]... [--from-offset A] [--to-offset B] [--dry-run]}. */
@Command(
    name = "redrive",
    mixinStandardHelpOptions = true,
    description = {
      "Send chosen DLQ records back to the topic they were rejected from (the raw topic), once the cause is fixed: the",
      "registry is back, a rule was relaxed, the data corrected upstream. Each DLQ record is redriven at most once, however",
      "often this runs (a compacted ledger topic records them, in the same transaction). The validator then reads them like",
      "any raw record; one that fails again lands in the DLQ again, as a new entry. Records the poller rejected (the API's",
      "JSON) cannot be redriven and are reported."
    })
final class RedriveCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Mixin DataDirOption data;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "The validator's properties file: its Kafka settings and topic.dlq (default: the local stack of --data-dir).")
  Path config;

  @Option(
      names = "--rule",
      paramLabel = "RULE",
      description =
          "Only records rejected by this rule (lms.dlq.rule, e.g. undecodable); repeatable.")
  List<String> rules = List.of();

  @Option(names = "--partition", paramLabel = "P", description = "Only this DLQ partition.")
  Integer partition;

  @Option(names = "--from-offset", paramLabel = "A", description = "Only DLQ offsets >= A.")
  Long fromOffset;

  @Option(names = "--to-offset", paramLabel = "B", description = "Only DLQ offsets <= B.")
  Long toOffset;

  @Option(
      names = "--ledger-topic",
      defaultValue = Topics.REDRIVEN,
      description = "Where redriven records are recorded (default ${DEFAULT-VALUE}).")
  String ledger;

  @Option(names = "--dry-run", description = "Count what would be redriven; write nothing.")
  boolean dryRun;

  @Override
  public Integer call() throws Exception {
    Map<String, Object> kafka;
    String dlq;
    if (config != null) {
      ValidatorConfig validator =
          ValidatorConfig.load(ServiceConfigFile.read(config), System.getenv());
      kafka = validator.kafkaClientConfig();
      dlq = validator.getString(ValidatorConfig.DLQ_TOPIC);
    } else {
      kafka = new HashMap<>();
      kafka.put(
          "bootstrap.servers",
          new LocalStack(data.layout(), data.layout().loadSettings()).kafka().bootstrapServers());
      dlq = Topics.DLQ;
    }
    RedriveSelection selection;
    try {
      selection =
          new RedriveSelection(
              Set.copyOf(rules),
              partition == null ? OptionalInt.empty() : OptionalInt.of(partition),
              fromOffset == null ? OptionalLong.empty() : OptionalLong.of(fromOffset),
              toOffset == null ? OptionalLong.empty() : OptionalLong.of(toOffset));
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    DlqRedrive.Report report =
        DlqRedrive.run(kafka, dlq, ledger, selection, dryRun, Duration.ofMinutes(2));
    PrintWriter out = spec.commandLine().getOut();
    out.printf(
        "redrive %s%s: %d selected, %d %s, %d redriven before (skipped)%n",
        dlq,
        dryRun ? " (dry run)" : "",
        report.selected(),
        report.redriven(),
        dryRun ? "would be redriven" : "redriven",
        report.alreadyRedriven());
    report.redrivenByRule().forEach((rule, n) -> out.printf("  %-28s %d%n", rule, n));
    report.notRedrivable().forEach((why, n) -> out.printf("  not redrivable (%d): %s%n", n, why));
    return 0;
  }
}
