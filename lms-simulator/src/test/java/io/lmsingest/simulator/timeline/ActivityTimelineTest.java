package io.lmsingest.simulator.timeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.lmsingest.schemas.LearnerActivity;
import io.lmsingest.simulator.timeline.ActivityTimeline.Change;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ActivityTimelineTest {
  static final Instant START = Instant.parse("2026-11-01T00:00:00Z");

  static ActivityTimeline timeline(long seed, long rate) {
    return new ActivityTimeline(
        new TimelineSettings(seed, START, rate, OptionalLong.empty(), 0.2, 0.01, 3));
  }

  @Test
  void sameSeedGivesTheSameHistoryAndAnotherSeedAnotherOne() {
    ActivityTimeline a = timeline(7, 5_000_000);
    ActivityTimeline b = timeline(7, 5_000_000);
    ActivityTimeline c = timeline(8, 5_000_000);
    int differences = 0;
    for (long slot = 0; slot < 2_000; slot++) {
      assertThat(a.recordAt(slot)).isEqualTo(b.recordAt(slot));
      if (!a.recordAt(slot).getActivityId().equals(c.recordAt(slot).getActivityId())) {
        differences++;
      }
    }
    assertThat(differences).isGreaterThan(1_900);
  }

  @Test
  void changeTimesStrictlyIncreaseAndMatchTheRate() {
    ActivityTimeline timeline = timeline(1, 5_000_000);
    long previous = Long.MIN_VALUE;
    for (long slot = 0; slot < 100_000; slot++) {
      long t = timeline.timeOf(slot);
      assertThat(t).isGreaterThan(previous);
      previous = t;
    }
    // 5,000,000 a day = one every 17.28 ms.
    assertThat(timeline.timeOf(5_000_000)).isEqualTo(START.plusSeconds(86_400).toEpochMilli());
  }

  @Test
  void atTheHighestRateAHundredChangesShareEachMillisecondAndCountsStayExact() {
    ActivityTimeline timeline = timeline(1, TimelineSettings.MAX_RATE_PER_DAY);
    long previous = Long.MIN_VALUE;
    for (long slot = 0; slot < 100_000; slot++) {
      long t = timeline.timeOf(slot);
      assertThat(t).isGreaterThanOrEqualTo(previous);
      assertThat(t).isEqualTo(START.toEpochMilli() + slot / 100);
      previous = t;
    }
    // A year of history at this rate: no product overflows, counts agree with times.
    long yearLater = 365L * TimelineSettings.MAX_RATE_PER_DAY + 57;
    long t = timeline.timeOf(yearLater);
    assertThat(t).isEqualTo(START.plusSeconds(365L * 86_400).toEpochMilli());
    assertThat(timeline.firstSlotAtOrAfter(t)).isEqualTo(yearLater - 57);
    assertThat(timeline.slotsUpTo(t)).isEqualTo(yearLater - 57 + 100);
    assertThat(timeline.slotsUpTo(t - 1)).isEqualTo(yearLater - 57);
  }

  @Test
  void slotCountsAndInclusiveSinceAgreeWithTimes() {
    ActivityTimeline timeline = timeline(1, 5_000_000);
    for (long slot : new long[] {0, 1, 2, 57, 999, 123_456, 4_999_999}) {
      long t = timeline.timeOf(slot);
      assertThat(timeline.slotsUpTo(t)).as("slots up to time of %s", slot).isEqualTo(slot + 1);
      assertThat(timeline.slotsUpTo(t - 1)).isEqualTo(slot);
      assertThat(timeline.firstSlotAtOrAfter(t)).as("inclusive since").isEqualTo(slot);
      assertThat(timeline.firstSlotAtOrAfter(t + 1)).isEqualTo(slot + 1);
    }
    assertThat(timeline.slotsUpTo(START.toEpochMilli() - 1)).isZero();
    assertThat(timeline.firstSlotAtOrAfter(0)).isZero();
  }

  @Test
  void totalRecordsCapsTheHistory() {
    ActivityTimeline capped =
        new ActivityTimeline(
            new TimelineSettings(1, START, 5_000_000, OptionalLong.of(1_000), 0.2, 0.01, 3));
    assertThat(capped.slotsUpTo(Instant.parse("2030-01-01T00:00:00Z").toEpochMilli()))
        .isEqualTo(1_000);
  }

  @Test
  void activityIdsAreTheSlotsMixWithTheSeedInSixteenHexDigits() {
    ActivityTimeline timeline = timeline(42, 1_000_000);
    for (long slot = 0; slot < 100_000; slot++) {
      long mixed = ActivityTimeline.mix64(slot ^ ActivityTimeline.mix64(42));
      assertThat(timeline.activityId(slot)).isEqualTo(String.format("act_%016x", mixed));
    }
  }

  @Test
  void lateUpdatesAndDeletesFollowTheConfiguredSharesAndNeverResurrect() {
    ActivityTimeline timeline = timeline(42, 1_000_000);
    int n = 400_000;
    Map<Change.Kind, Integer> kinds = new HashMap<>();
    Set<Long> deleted = new HashSet<>();
    Set<String> ids = new HashSet<>();
    long maxLateMs = 3L * 86_400_000;
    for (long slot = 0; slot < n; slot++) {
      Change change = timeline.changeAt(slot);
      kinds.merge(change.kind(), 1, Integer::sum);
      if (change.kind() == Change.Kind.CREATE) {
        assertThat(change.activitySlot()).isEqualTo(slot);
        String id = timeline.activityId(slot);
        assertThat(id).matches("act_[0-9a-f]{16}");
        assertThat(ids.add(id)).as("activity ids are unique").isTrue();
        continue;
      }
      assertThat(change.activitySlot()).isLessThan(slot);
      assertThat(timeline.changeAt(change.activitySlot()).kind()).isEqualTo(Change.Kind.CREATE);
      long late = timeline.timeOf(slot) - timeline.timeOf(change.activitySlot());
      assertThat(late).isPositive().isLessThanOrEqualTo(maxLateMs);
      if (change.kind() == Change.Kind.DELETE) {
        deleted.add(change.activitySlot());
      } else {
        assertThat(deleted)
            .as("an update after a delete would resurrect it")
            .doesNotContain(change.activitySlot());
      }
      LearnerActivity record = timeline.recordOf(change);
      LearnerActivity created = timeline.recordAt(change.activitySlot());
      assertThat(record.getActivityId()).isEqualTo(created.getActivityId());
      assertThat(record.getActivityTimestamp()).isEqualTo(created.getActivityTimestamp());
      assertThat(record.getIsDeleted()).isEqualTo(change.kind() == Change.Kind.DELETE);
    }
    double updates = kinds.get(Change.Kind.UPDATE) / (double) n;
    double deletes = kinds.get(Change.Kind.DELETE) / (double) n;
    assertThat(updates).isBetween(0.17, 0.21);
    assertThat(deletes).isBetween(0.007, 0.013);
  }

  @Test
  void recordsAreCompleteAndPlausible() {
    ActivityTimeline timeline = timeline(3, 5_000_000);
    for (long slot = 0; slot < 1_000; slot++) {
      LearnerActivity r = timeline.recordAt(slot);
      assertThat(r.getActivityId()).matches("act_[0-9a-f]{16}");
      assertThat(r.getUpdatedAt()).isEqualTo(Instant.ofEpochMilli(timeline.timeOf(slot)));
      assertThat(r.getActivityTimestamp()).isBeforeOrEqualTo(r.getUpdatedAt());
      assertThat(r.getAttributes()).containsKeys("device", "locale");
      assertThat(r.getDurationSeconds()).isBetween(0, 3_599);
    }
  }
}
