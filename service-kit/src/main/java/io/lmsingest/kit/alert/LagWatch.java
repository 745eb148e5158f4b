package io.lmsingest.kit.alert;

import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;

/**
 * Whether a consumer group is behind more than an SLO allows: more than {@code maxRecords} behind,
 * without a break, for at least {@code forAtLeast}. A lag that cannot be read (the topic is gone,
 * the broker does not answer) neither starts nor ends a breach. Pure: time is passed in.
 */
public final class LagWatch {
  private final long maxRecords;
  private final Duration forAtLeast;
  private Instant above;

  public LagWatch(long maxRecords, Duration forAtLeast) {
    if (maxRecords < 1 || forAtLeast.isNegative()) {
      throw new IllegalArgumentException("a lag SLO needs max records >= 1 and a duration >= 0");
    }
    this.maxRecords = maxRecords;
    this.forAtLeast = forAtLeast;
  }

  /** Records a reading; true while the SLO is breached. */
  public synchronized boolean breached(OptionalLong lag, Instant now) {
    if (lag.isEmpty()) {
      return above != null && !now.isBefore(above.plus(forAtLeast));
    }
    if (lag.getAsLong() <= maxRecords) {
      above = null;
      return false;
    }
    if (above == null) {
      above = now;
    }
    return !now.isBefore(above.plus(forAtLeast));
  }

  /** Since when the lag has been above the SLO's records (null while it is not). */
  public synchronized Instant above() {
    return above;
  }
}
