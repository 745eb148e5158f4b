package io.lmsingest.simulator.timeline;

import java.time.Instant;
import java.util.OptionalLong;

/**
 * The shape of the simulated LMS history.
 *
 * @param seed everything is a pure function of this
 * @param start time of slot 0; slots follow at {@code ratePerDay} per day
 * @param ratePerDay changes per day, at most 100 per millisecond (8,640,000,000); changes that
 *     share a millisecond share their updated_at, as they do in a busy LMS
 * @param totalRecords stop after this many changes (empty = an endless live stream)
 * @param updateShare share of changes that are late updates of an earlier activity
 * @param deleteShare approximate share of changes that delete an earlier activity
 * @param maxLateDays how late an update or delete may come after the activity's creation
 */
public record TimelineSettings(
    long seed,
    Instant start,
    long ratePerDay,
    OptionalLong totalRecords,
    double updateShare,
    double deleteShare,
    double maxLateDays) {
  public static final long MAX_RATE_PER_DAY = 100 * 86_400_000L;

  /** The simulator's defaults (strings: its command line's default values). */
  public static final String DEFAULT_UPDATE_SHARE = "0.2";

  public static final String DEFAULT_DELETE_SHARE = "0.01";
  public static final String DEFAULT_MAX_LATE_DAYS = "3";

  /** The history the simulator serves when only seed, start, rate and size are given. */
  public static TimelineSettings withDefaultShares(
      long seed, Instant start, long ratePerDay, OptionalLong totalRecords) {
    return new TimelineSettings(
        seed,
        start,
        ratePerDay,
        totalRecords,
        Double.parseDouble(DEFAULT_UPDATE_SHARE),
        Double.parseDouble(DEFAULT_DELETE_SHARE),
        Double.parseDouble(DEFAULT_MAX_LATE_DAYS));
  }

  public TimelineSettings {
    if (ratePerDay < 1 || ratePerDay > MAX_RATE_PER_DAY) {
      throw new IllegalArgumentException(
          "rate-per-day must be between 1 and "
              + MAX_RATE_PER_DAY
              + " (100 changes per millisecond), got "
              + ratePerDay);
    }
    if (updateShare < 0 || deleteShare < 0 || updateShare + deleteShare > 0.9) {
      throw new IllegalArgumentException(
          "update-share and delete-share must be >= 0 and together <= 0.9, got "
              + updateShare
              + " and "
              + deleteShare);
    }
    if (maxLateDays <= 0) {
      throw new IllegalArgumentException("max-late-days must be > 0, got " + maxLateDays);
    }
    if (totalRecords.isPresent() && totalRecords.getAsLong() < 0) {
      throw new IllegalArgumentException("records must be >= 0, got " + totalRecords.getAsLong());
    }
  }
}
