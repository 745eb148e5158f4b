package io.lmsingest.validator;

import static org.assertj.core.api.Assertions.assertThat;

import io.lmsingest.schemas.LearnerActivity;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ValidationRulesTest {
  static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");
  static final ValidationRules RULES = new ValidationRules(Duration.ofDays(1));

  static LearnerActivity.Builder valid() {
    return LearnerActivity.newBuilder()
        .setActivityId("a-1")
        .setLearnerId("l-1")
        .setCourseId("c-1")
        .setActivityType("quiz_submitted")
        .setActivityTimestamp(Instant.parse("2026-11-24T10:00:00Z"))
        .setUpdatedAt(Instant.parse("2026-11-24T10:05:00Z"))
        .setScore(50.0)
        .setDurationSeconds(30)
        .setAttributes(Map.of());
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("valid", (UnaryOperator<LearnerActivity.Builder>) b -> b, "a-1", null),
        Arguments.of(
            "empty id",
            (UnaryOperator<LearnerActivity.Builder>) b -> b.setActivityId(""),
            "",
            "missing_activity_id"),
        Arguments.of(
            "empty learner",
            (UnaryOperator<LearnerActivity.Builder>) b -> b.setLearnerId(" "),
            "a-1",
            "missing_learner_id"),
        Arguments.of(
            "empty course",
            (UnaryOperator<LearnerActivity.Builder>) b -> b.setCourseId(""),
            "a-1",
            "missing_course_id"),
        Arguments.of(
            "empty type",
            (UnaryOperator<LearnerActivity.Builder>) b -> b.setActivityType(""),
            "a-1",
            "missing_activity_type"),
        Arguments.of(
            "wrong key", (UnaryOperator<LearnerActivity.Builder>) b -> b, "other", "key_mismatch"),
        Arguments.of(
            "epoch timestamp",
            (UnaryOperator<LearnerActivity.Builder>) b -> b.setActivityTimestamp(Instant.EPOCH),
            "a-1",
            "implausible_activity_timestamp"),
        Arguments.of(
            "updated before activity",
            (UnaryOperator<LearnerActivity.Builder>)
                b -> b.setUpdatedAt(Instant.parse("2026-11-24T09:00:00Z")),
            "a-1",
            "updated_before_activity"),
        Arguments.of(
            "future updated_at",
            (UnaryOperator<LearnerActivity.Builder>)
                b -> b.setUpdatedAt(NOW.plus(Duration.ofDays(2))),
            "a-1",
            "future_timestamp"),
        Arguments.of(
            "just inside the skew",
            (UnaryOperator<LearnerActivity.Builder>)
                b -> b.setUpdatedAt(NOW.plus(Duration.ofHours(23))),
            "a-1",
            null),
        Arguments.of(
            "score 101",
            (UnaryOperator<LearnerActivity.Builder>) b -> b.setScore(101.0),
            "a-1",
            "score_out_of_range"),
        Arguments.of(
            "score NaN",
            (UnaryOperator<LearnerActivity.Builder>) b -> b.setScore(Double.NaN),
            "a-1",
            "score_out_of_range"),
        Arguments.of(
            "no score",
            (UnaryOperator<LearnerActivity.Builder>) b -> b.setScore(null),
            "a-1",
            null),
        Arguments.of(
            "negative duration",
            (UnaryOperator<LearnerActivity.Builder>) b -> b.setDurationSeconds(-1),
            "a-1",
            "negative_duration"),
        Arguments.of(
            "minimal delete: only id, updated_at and the flag",
            (UnaryOperator<LearnerActivity.Builder>) ValidationRulesTest::minimalDelete,
            "a-1",
            null),
        Arguments.of(
            "minimal delete under another key",
            (UnaryOperator<LearnerActivity.Builder>) ValidationRulesTest::minimalDelete,
            "other",
            "key_mismatch"),
        Arguments.of(
            "minimal delete without an id",
            (UnaryOperator<LearnerActivity.Builder>) b -> minimalDelete(b).setActivityId(""),
            "",
            "missing_activity_id"),
        Arguments.of(
            "minimal delete in the future",
            (UnaryOperator<LearnerActivity.Builder>)
                b -> minimalDelete(b).setUpdatedAt(NOW.plus(Duration.ofDays(2))),
            "a-1",
            "future_timestamp"),
        Arguments.of(
            "minimal delete without updated_at",
            (UnaryOperator<LearnerActivity.Builder>)
                b -> minimalDelete(b).setUpdatedAt(Instant.EPOCH),
            "a-1",
            "implausible_activity_timestamp"));
  }

  /** What the poller makes of {"activity_id":"a-1","updated_at":"…","is_deleted":true}. */
  static LearnerActivity.Builder minimalDelete(LearnerActivity.Builder b) {
    return b.setLearnerId("")
        .setCourseId("")
        .setActivityType("")
        .setActivityTimestamp(Instant.EPOCH)
        .setScore(null)
        .setDurationSeconds(null)
        .setIsDeleted(true);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void rules(
      String name, UnaryOperator<LearnerActivity.Builder> change, String key, String expectedRule) {
    var violation = RULES.check(key, change.apply(valid()).build(), NOW);
    if (expectedRule == null) {
      assertThat(violation).isEmpty();
    } else {
      assertThat(violation)
          .get()
          .extracting(ValidationRules.Violation::rule)
          .isEqualTo(expectedRule);
    }
  }
}
