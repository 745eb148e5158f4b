package io.lmsingest.cli;

import java.time.Duration;

/**
 * When {@code demo --until-drained} may compare the warehouse with the ground truth. Everything
 * served and every group's lag zero is a drain only if a second reading agrees: a reading can fall
 * between the poller's last page and its transaction's commit, when the raw topic's committed end
 * does not show that page yet. The second reading comes {@link #CONFIRM} after the first, not a
 * whole progress interval: the pipeline has nothing left to do in between, and the ground truth,
 * which is final once everything is served, is written meanwhile.
 */
final class DrainWatch {
  static final Duration CONFIRM = Duration.ofSeconds(1);

  /** What the demo does after a reading. */
  enum Step {
    /** Not drained: the next reading after the progress interval. */
    WAIT,
    /** Drained once: write the ground truth (if not yet), and read again after {@link #CONFIRM}. */
    CONFIRM,
    /** Drained twice in a row: stop the loader and compare. */
    COMPARE
  }

  private final long target;
  private final Duration interval;
  private int quietReadings;

  DrainWatch(long target, Duration interval) {
    this.target = target;
    this.interval = interval;
  }

  Step after(long served, boolean drained) {
    quietReadings = served >= target && drained ? quietReadings + 1 : 0;
    return switch (quietReadings) {
      case 0 -> Step.WAIT;
      case 1 -> Step.CONFIRM;
      default -> Step.COMPARE;
    };
  }

  /** A compare found the warehouse not equal yet: the loader goes on, the watch starts over. */
  void notEqualYet() {
    quietReadings = 0;
  }

  /** How long until the next reading. */
  Duration nextReading() {
    return quietReadings == 1 && CONFIRM.compareTo(interval) < 0 ? CONFIRM : interval;
  }
}
