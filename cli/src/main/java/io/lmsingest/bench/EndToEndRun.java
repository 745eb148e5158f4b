package io.lmsingest.bench;

import java.util.List;
import java.util.Map;

/**
 * One end-to-end run of {@code bench e2e}: wall time of the backfill (stack start-up included),
 * what each process used, each stage's own rate and its ceiling on the same data, how fresh the
 * loaded rows were, and the replay of the same day from S3.
 */
public record EndToEndRun(
    long changes,
    long activities,
    double wallSeconds,
    Map<String, ProcessSampler.Usage> usage,
    double[] freshnessMs,
    long bronzeFiles,
    long loaderBatches,
    double replaySeconds,
    Map<String, StageMeter.Rate> stages,
    Map<String, long[]> heap,
    StageCeilings ceilings) {

  public double changesPerSecond() {
    return changes / wallSeconds;
  }

  /** Every process of the embedded default, in the order the table prints them. */
  public static final List<String> PROCESSES =
      List.of("poller", "validator", "sink", "loader", "kafka", "registry", "s3", "simulator");
}
