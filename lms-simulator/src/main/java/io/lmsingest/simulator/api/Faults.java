package io.lmsingest.simulator.api;

/**
 * Failure rates the simulated API injects, each a probability per request.
 *
 * @param tooManyRequests 429 with Retry-After
 * @param retryAfterSeconds the Retry-After value of those 429s
 * @param serverError 500/503
 * @param slow answer after {@code slowMillis}
 * @param truncated cut the JSON body off mid-page
 * @param repeatBoundary start a cursor page with the previous page's last record again
 * @param late share of changes that become visible only some time after their updated_at (LMS clock
 *     skew, replica lag), a property of the change (the same on every request)
 * @param lateMillis the longest such delay; each late change's delay is in (0, lateMillis]
 * @param shuffled serve a page's records out of (updated_at, activity_id) order
 * @param minimalDeletes share of deletes served with only activity_id, updated_at and is_deleted
 * @param unparsable share of changes served with a value no activity can hold (a score of "n/a", a
 *     duration past 32 bits, a status that is an object), a property of the change: the poller must
 *     send each to its DLQ and go on
 * @param stalled share of pages whose body stops mid-page and then trickles a space every 200 ms,
 *     for up to {@code stallMillis}: a half-open connection that a read timeout alone never ends
 * @param stallMillis how long such a body trickles before it goes on
 */
public record Faults(
    double tooManyRequests,
    int retryAfterSeconds,
    double serverError,
    double slow,
    int slowMillis,
    double truncated,
    double repeatBoundary,
    double late,
    int lateMillis,
    double shuffled,
    double minimalDeletes,
    double unparsable,
    double stalled,
    int stallMillis) {
  public static final Faults NONE = new Faults(0, 1, 0, 0, 0, 0, 0);

  /** Request faults and the record faults of late, out-of-order and minimal changes. */
  public Faults(
      double tooManyRequests,
      int retryAfterSeconds,
      double serverError,
      double slow,
      int slowMillis,
      double truncated,
      double repeatBoundary,
      double late,
      int lateMillis,
      double shuffled,
      double minimalDeletes) {
    this(
        tooManyRequests,
        retryAfterSeconds,
        serverError,
        slow,
        slowMillis,
        truncated,
        repeatBoundary,
        late,
        lateMillis,
        shuffled,
        minimalDeletes,
        0,
        0,
        0);
  }

  /** Request faults only: every change visible at its updated_at, every page in order. */
  public Faults(
      double tooManyRequests,
      int retryAfterSeconds,
      double serverError,
      double slow,
      int slowMillis,
      double truncated,
      double repeatBoundary) {
    this(
        tooManyRequests,
        retryAfterSeconds,
        serverError,
        slow,
        slowMillis,
        truncated,
        repeatBoundary,
        0,
        0,
        0,
        0,
        0,
        0,
        0);
  }

  public Faults {
    for (double rate :
        new double[] {
          tooManyRequests,
          serverError,
          slow,
          truncated,
          repeatBoundary,
          late,
          shuffled,
          minimalDeletes,
          unparsable,
          stalled
        }) {
      if (rate < 0 || rate > 1) {
        throw new IllegalArgumentException("fault rates must be between 0 and 1, got " + rate);
      }
    }
    if (tooManyRequests + serverError + truncated > 0.95) {
      throw new IllegalArgumentException(
          "429 + 5xx + truncated rates together must stay below 0.95 or nothing gets through");
    }
    if (retryAfterSeconds < 0 || slowMillis < 0 || lateMillis < 0 || stallMillis < 0) {
      throw new IllegalArgumentException("retry-after, slow-ms, late-ms and stall-ms must be >= 0");
    }
    if (stalled > 0 && stallMillis < 1) {
      throw new IllegalArgumentException("stalled pages need stall-ms >= 1");
    }
    if (late > 0 && lateMillis < 1) {
      throw new IllegalArgumentException("late changes need late-ms >= 1");
    }
  }

  public boolean any() {
    return tooManyRequests
            + serverError
            + slow
            + truncated
            + repeatBoundary
            + late
            + shuffled
            + minimalDeletes
            + unparsable
            + stalled
        > 0;
  }
}
