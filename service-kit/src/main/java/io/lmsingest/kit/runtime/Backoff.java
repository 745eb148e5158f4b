package io.lmsingest.kit.runtime;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff: attempt n may wait up to min(max, initial·2ⁿ⁻¹) — with full jitter (a random
 * time below that ceiling) where many clients retry one server, or the ceiling itself. Pure: the
 * random source is passed in, so tests can pin it. Every service's retries use it.
 */
public record Backoff(Duration initial, Duration max) {
  public Backoff {
    if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException(
          "backoff needs 0 < initial <= max, got " + initial + " and " + max);
    }
  }

  /** Delay before retry number {@code attempt} (1 = first retry), with full jitter. */
  public Duration delay(int attempt, DoubleSupplier random) {
    return Duration.ofMillis((long) (random.getAsDouble() * ceiling(attempt).toMillis()));
  }

  /**
   * The longest delay before retry number {@code attempt}: initial·2^(attempt−1), capped at max.
   */
  public Duration ceiling(int attempt) {
    long cap = initial.toMillis() << Math.min(Math.max(attempt - 1, 0), 30);
    return Duration.ofMillis(Math.min(max.toMillis(), cap <= 0 ? max.toMillis() : cap));
  }
}
