package io.lmsingest.validator;

import io.lmsingest.schemas.LearnerActivity;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What a valid activity is. A record breaking a rule goes to the DLQ with the rule's code; the
 * rules are checked in the order below and the first broken one is reported.
 *
 * <ul>
 *   <li>{@code missing_activity_id}, {@code missing_learner_id}, {@code missing_course_id}, {@code
 *       missing_activity_type}: the field is empty.
 *   <li>{@code key_mismatch}: the Kafka key is not the activity_id (it would land in the wrong
 *       partition).
 *   <li>{@code implausible_activity_timestamp}: before 2000-01-01 (also what a missing one
 *       becomes).
 *   <li>{@code updated_before_activity}: updated_at earlier than activity_timestamp.
 *   <li>{@code future_timestamp}: activity_timestamp or updated_at later than now plus the allowed
 *       clock skew.
 *   <li>{@code score_out_of_range}: score outside [0, 100].
 *   <li>{@code negative_duration}: duration_seconds below 0.
 * </ul>
 *
 * A delete ({@code is_deleted}) is checked only for what identifies and orders it: activity_id, the
 * key, and a plausible, not-future updated_at.
 *
 * <p>Two more codes come from the topology, not from here: {@code undecodable} (the payload is not
 * a LearnerActivity in the registry wire format) and {@code null_value} (a tombstone on the raw
 * topic).
 */
public record ValidationRules(Duration maxFutureSkew) {
  /** Every rule code a DLQ record can carry (the topology adds the last two). */
  public static final List<String> CODES =
      List.of(
          "missing_activity_id",
          "missing_learner_id",
          "missing_course_id",
          "missing_activity_type",
          "key_mismatch",
          "implausible_activity_timestamp",
          "updated_before_activity",
          "future_timestamp",
          "score_out_of_range",
          "negative_duration",
          "undecodable",
          "null_value");

  private static final Instant EARLIEST_PLAUSIBLE = Instant.parse("2000-01-01T00:00:00Z");

  /**
   * A broken rule: its code and a human-readable detail (no payload values beyond ids and times).
   */
  public record Violation(String rule, String detail) {}

  public Optional<Violation> check(String key, LearnerActivity a, Instant now) {
    if (a.getActivityId().isBlank()) {
      return violation("missing_activity_id", "activity_id is empty");
    }
    if (a.getIsDeleted()) {
      // A delete needs only what identifies and orders it: LMS APIs often send just the id, the
      // time and the flag. Whatever else it carries is kept; the loader keeps the last known values
      // of what it lacks.
      if (!a.getActivityId().equals(key)) {
        return violation(
            "key_mismatch", "key '" + key + "' is not activity_id " + a.getActivityId());
      }
      if (a.getUpdatedAt().isBefore(EARLIEST_PLAUSIBLE)) {
        return violation(
            "implausible_activity_timestamp",
            "updated_at " + a.getUpdatedAt() + " of a delete is before 2000");
      }
      if (a.getUpdatedAt().isAfter(now.plus(maxFutureSkew))) {
        return violation(
            "future_timestamp",
            "updated_at later than now + " + maxFutureSkew + " (now " + now + ")");
      }
      return Optional.empty();
    }
    if (a.getLearnerId().isBlank()) {
      return violation("missing_learner_id", "learner_id is empty for " + a.getActivityId());
    }
    if (a.getCourseId().isBlank()) {
      return violation("missing_course_id", "course_id is empty for " + a.getActivityId());
    }
    if (a.getActivityType().isBlank()) {
      return violation("missing_activity_type", "activity_type is empty for " + a.getActivityId());
    }
    if (!a.getActivityId().equals(key)) {
      return violation("key_mismatch", "key '" + key + "' is not activity_id " + a.getActivityId());
    }
    if (a.getActivityTimestamp().isBefore(EARLIEST_PLAUSIBLE)) {
      return violation(
          "implausible_activity_timestamp",
          "activity_timestamp " + a.getActivityTimestamp() + " is before 2000");
    }
    if (a.getUpdatedAt().isBefore(a.getActivityTimestamp())) {
      return violation(
          "updated_before_activity",
          "updated_at "
              + a.getUpdatedAt()
              + " is before activity_timestamp "
              + a.getActivityTimestamp());
    }
    Instant latest = now.plus(maxFutureSkew);
    if (a.getActivityTimestamp().isAfter(latest) || a.getUpdatedAt().isAfter(latest)) {
      return violation(
          "future_timestamp", "timestamp later than now + " + maxFutureSkew + " (now " + now + ")");
    }
    if (a.getScore() != null && (a.getScore() < 0 || a.getScore() > 100 || a.getScore().isNaN())) {
      return violation("score_out_of_range", "score " + a.getScore() + " outside [0, 100]");
    }
    if (a.getDurationSeconds() != null && a.getDurationSeconds() < 0) {
      return violation("negative_duration", "duration_seconds " + a.getDurationSeconds() + " < 0");
    }
    return Optional.empty();
  }

  private static Optional<Violation> violation(String rule, String detail) {
    return Optional.of(new Violation(rule, detail));
  }
}
