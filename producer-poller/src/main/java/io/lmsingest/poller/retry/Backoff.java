package io.lmsingest.poller.retry;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with full jitter: attempt n waits a random time in [0, min(max, initial·2ⁿ)].
 * Pure: the random source is passed in, so tests can pin it.
 */
public record Backoff(Duration initial, Duration max) {
  public Backoff {
    if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("backoff needs 0 < initial <= max, got " + initial + " and " + max);
    }
  }

  /** Delay before retry number {@code attempt} (1 = first retry). */
  public Duration delay(int attempt, DoubleSupplier random) {
    long cap = initial.toMillis() << Math.min(Math.max(attempt - 1, 0), 30);
    long ceiling = Math.min(max.toMillis(), cap <= 0 ? max.toMillis() : cap);
    return Duration.ofMillis((long) (random.getAsDouble() * ceiling));
  }
}
