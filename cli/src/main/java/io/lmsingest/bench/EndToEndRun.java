package io.lmsingest.bench;

import java.util.List;
import java.util.Map;

/**
 * One end-to-end run of {@code bench e2e}: wall time of the backfill (stack start-up included), and
 * until its last batch committed (the day queryable: the demo's ground-truth check and the stack's
 * shutdown come after), what each process used, each stage's own rate and its ceiling on the same
 * data, how fresh the loaded rows were, and the replay of the same day from S3; and the box's
 * {@link CpuYardstick} just before and just after the backfill.
 */
public record EndToEndRun(
    long changes,
    long activities,
    double wallSeconds,
    double queryableSeconds,
    Map<String, ProcessSampler.Usage> usage,
    double[] freshnessMs,
    long bronzeFiles,
    long loaderBatches,
    double replaySeconds,
    Map<String, StageMeter.Rate> stages,
    Map<String, long[]> heap,
    StageCeilings ceilings,
    double[] yardstickSeconds) {

  /** Over the time until the backfill was queryable. */
  public double changesPerSecond() {
    return changes / queryableSeconds;
  }

  /** Every process of the embedded default, in the order the table prints them. */
  public static final List<String> PROCESSES =
      List.of("poller", "validator", "sink", "loader", "kafka", "registry", "s3", "simulator");
}
