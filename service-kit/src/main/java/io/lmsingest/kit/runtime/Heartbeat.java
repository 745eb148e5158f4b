package io.lmsingest.kit.runtime;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Liveness of a loop that must keep turning: each turn beats; the loop is alive while its last beat
 * is younger than the limit. A loop stuck in a call that never returns stops beating, and {@code
 * GET /health} then answers 503 so an orchestrator restarts the process.
 */
public final class Heartbeat {
  private final Clock clock;
  private final Duration limit;
  private volatile Instant last;

  public Heartbeat(Clock clock, Duration limit) {
    this.clock = clock;
    this.limit = limit;
    this.last = clock.instant();
  }

  public void beat() {
    last = clock.instant();
  }

  /** How long since the last beat. */
  public Duration silence() {
    return Duration.between(last, clock.instant());
  }

  public boolean alive() {
    return silence().compareTo(limit) <= 0;
  }

  public Duration limit() {
    return limit;
  }
}
