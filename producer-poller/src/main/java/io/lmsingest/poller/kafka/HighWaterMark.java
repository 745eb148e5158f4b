package io.lmsingest.poller.kafka;

import io.lmsingest.schemas.LearnerActivity;
import java.time.Instant;

/**
 * How far the poller has committed: the newest (updated_at, activity_id) written. The API is
 * re-queried inclusively from {@code updatedAt} (and, every look-back interval, from a window
 * before it); a record at or before the mark is written only if it is not among the recent changes
 * already written ({@link RecentChanges}), so ties, repeats and late changes are neither lost nor
 * taken twice.
 */
public record HighWaterMark(Instant updatedAt, String activityId) {

  /** The mark before anything: every record is after it. */
  public static HighWaterMark before(Instant start) {
    return new HighWaterMark(start.minusMillis(1), "");
  }

  /** True if {@code record} comes after this mark in the API's (updated_at, activity_id) order. */
  public boolean precedes(LearnerActivity record) {
    int byTime = record.getUpdatedAt().compareTo(updatedAt);
    return byTime > 0 || (byTime == 0 && record.getActivityId().compareTo(activityId) > 0);
  }

  public static HighWaterMark of(LearnerActivity record) {
    return new HighWaterMark(record.getUpdatedAt(), record.getActivityId());
  }
}
