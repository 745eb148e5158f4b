package io.lmsingest.kit.alert;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Whether a growing count (records sent to the DLQ, say) grew by more than a threshold within a
 * sliding window. Fed the running total and the time on each check; keeps only the window's
 * samples. Pure: time is passed in.
 */
public final class RateWatch {
  private final long threshold;
  private final Duration window;
  private final Deque<long[]> samples = new ArrayDeque<>(); // {epochMillis, total}

  public RateWatch(long threshold, Duration window) {
    if (threshold < 1 || window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("a rate watch needs threshold >= 1 and a positive window");
    }
    this.threshold = threshold;
    this.window = window;
  }

  /**
   * Records {@code total} at {@code now}; true when it grew by more than the threshold within the
   * window.
   */
  public synchronized boolean over(long total, Instant now) {
    long at = now.toEpochMilli();
    samples.addLast(new long[] {at, total});
    while (samples.size() > 1 && samples.peekFirst()[0] < at - window.toMillis()) {
      samples.removeFirst();
    }
    return total - samples.peekFirst()[1] > threshold;
  }

  /** The growth within the window as of the last sample. */
  public synchronized long growth() {
    return samples.isEmpty() ? 0 : samples.peekLast()[1] - samples.peekFirst()[1];
  }
}
