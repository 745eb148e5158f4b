package io.lmsingest.loader.source;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * When the follower loads what it has gathered: at once when a full batch is there (a backlog is
 * loaded as fast as the warehouse goes), otherwise once the topic is drained for now and at least
 * {@code minInterval} has passed since the last batch began. With Snowflake the interval lets the
 * virtual warehouse auto-suspend between batches: fewer, larger batches cost fewer credits and add
 * up to that interval of latency (docs/snowflake.md, "Cost-aware cadence").
 */
public final class BatchCadence {
  private final Duration minInterval;
  private final int fullBatchFiles;
  private final Clock clock;
  private Instant lastStart = Instant.MIN;

  public BatchCadence(Duration minInterval, int fullBatchFiles, Clock clock) {
    if (minInterval.isNegative() || fullBatchFiles < 1) {
      throw new IllegalArgumentException("cadence needs minInterval >= 0 and fullBatchFiles >= 1");
    }
    this.minInterval = minInterval;
    this.fullBatchFiles = fullBatchFiles;
    this.clock = clock;
  }

  /**
   * Whether to load the {@code pendingFiles} gathered so far; {@code drained}: the poll was empty.
   */
  public boolean due(int pendingFiles, boolean drained) {
    if (pendingFiles == 0) {
      return false;
    }
    if (pendingFiles >= fullBatchFiles) {
      return true;
    }
    return drained
        && (lastStart.equals(Instant.MIN)
            || !clock.instant().isBefore(lastStart.plus(minInterval)));
  }

  /** Call as a load begins. */
  public void started() {
    lastStart = clock.instant();
  }
}
