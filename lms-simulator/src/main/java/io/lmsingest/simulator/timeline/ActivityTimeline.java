package io.lmsingest.simulator.timeline;

import io.lmsingest.schemas.LearnerActivity;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The simulated LMS history as a pure function of the seed: change number {@code k} (a "slot")
 * happens at {@link #timeOf(long)} and is the creation, late update or deletion of one activity.
 * Nothing is stored, so any page of any size is computed on demand and memory stays flat.
 *
 * <p>An update or delete refers back to an earlier slot; its activity is that slot's activity.
 * Activities are either deletable or not (a hash of the activity): updates only touch activities
 * that are never deleted, deletes only those that may be, and a change that would break this rule
 * is a creation instead — so no activity is ever updated after its deletion.
 */
public final class ActivityTimeline {
  private static final long DAY_MS = 86_400_000L;
  private static final List<String> TYPES =
      List.of(
          "video_watched",
          "quiz_submitted",
          "page_viewed",
          "assignment_submitted",
          "discussion_posted",
          "module_completed");
  private static final List<String> DEVICES = List.of("web", "mobile", "tablet");
  private static final List<String> LOCALES = List.of("en-US", "es-ES", "fr-FR", "de-DE", "pt-BR");

  private final TimelineSettings settings;
  private final long startMs;
  private final long minLagSlots;
  private final long maxLagSlots;
  private final double deletableShare;
  private final double deleteAttemptShare;

  public ActivityTimeline(TimelineSettings settings) {
    this.settings = settings;
    this.startMs = settings.start().toEpochMilli();
    this.minLagSlots = Math.max(1, settings.ratePerDay() / 1440); // at least a minute later
    this.maxLagSlots =
        Math.max(minLagSlots + 1, (long) (settings.maxLateDays() * settings.ratePerDay()));
    // A delete attempt hits a deletable activity with probability deletableShare.
    this.deletableShare =
        settings.deleteShare() == 0 ? 0 : Math.min(1.0, settings.deleteShare() * 5);
    this.deleteAttemptShare =
        deletableShare == 0
            ? 0
            : Math.min(settings.deleteShare() / deletableShare, 1 - settings.updateShare());
  }

  public TimelineSettings settings() {
    return settings;
  }

  /**
   * When slot {@code k} happens (non-decreasing in {@code k}: above one change per millisecond,
   * neighbours share a millisecond). {@code k * DAY_MS / rate}, split so that no product overflows
   * at the highest rate.
   */
  public long timeOf(long slot) {
    long rate = settings.ratePerDay();
    return startMs
        + Math.floorDiv(slot, rate) * DAY_MS
        + Math.floorDiv(Math.floorMod(slot, rate) * DAY_MS, rate);
  }

  /**
   * How many slots have happened at or before {@code epochMillis}, capped by the configured total.
   */
  public long slotsUpTo(long epochMillis) {
    if (epochMillis < startMs) {
      return 0;
    }
    long elapsed = epochMillis - startMs;
    long rate = settings.ratePerDay();
    long count =
        Math.multiplyExact(Math.floorDiv(elapsed, DAY_MS), rate)
            + Math.floorDiv(Math.floorMod(elapsed, DAY_MS) * rate, DAY_MS)
            + 1;
    while (count > 0 && timeOf(count - 1) > epochMillis) {
      count--;
    }
    while (timeOf(count) <= epochMillis) {
      count++;
    }
    return settings.totalRecords().isPresent()
        ? Math.min(count, settings.totalRecords().getAsLong())
        : count;
  }

  /** The first slot whose time is at or after {@code epochMillis} (inclusive modified-since). */
  public long firstSlotAtOrAfter(long epochMillis) {
    return epochMillis <= startMs ? 0 : slotsUpTo(epochMillis - 1);
  }

  /**
   * The change at slot {@code k}: which activity, and whether it created, updated or deleted it.
   */
  public Change changeAt(long slot) {
    double u = unit(slot, 1);
    Change.Kind kind;
    if (u < settings.updateShare()) {
      kind = Change.Kind.UPDATE;
    } else if (u < settings.updateShare() + deleteAttemptShare) {
      kind = Change.Kind.DELETE;
    } else {
      kind = Change.Kind.CREATE;
    }
    if (kind == Change.Kind.CREATE) {
      return new Change(slot, slot, Change.Kind.CREATE);
    }
    // Early in the history the reach back is bounded by the history itself.
    long reach = Math.min(maxLagSlots, slot);
    if (reach < minLagSlots) {
      return new Change(slot, slot, Change.Kind.CREATE);
    }
    long lag = minLagSlots + Math.floorMod(mix(slot, 2), reach - minLagSlots + 1);
    long activity = activityOf(slot - lag);
    boolean deletable = isDeletable(activity);
    if ((kind == Change.Kind.UPDATE) == deletable) {
      return new Change(slot, slot, Change.Kind.CREATE);
    }
    return new Change(slot, activity, kind);
  }

  /** The creation slot of the activity changed at slot {@code k}. */
  public long activityOf(long slot) {
    return changeAt(slot).activitySlot();
  }

  boolean isDeletable(long activitySlot) {
    return unit(activitySlot, 3) < deletableShare;
  }

  /** The full state of the activity right after the change at {@code slot}. */
  public LearnerActivity recordAt(long slot) {
    return recordOf(changeAt(slot));
  }

  public LearnerActivity recordOf(Change change) {
    long a = change.activitySlot();
    long k = change.slot();
    String type = TYPES.get((int) Math.floorMod(mix(a, 10), TYPES.size()));
    boolean scored = type.equals("quiz_submitted") || type.equals("assignment_submitted");
    String status =
        switch (change.kind()) {
          case CREATE ->
              List.of("started", "in_progress", "completed")
                  .get((int) Math.floorMod(mix(k, 11), 3));
          case UPDATE ->
              List.of("completed", "graded", "reopened").get((int) Math.floorMod(mix(k, 11), 3));
          case DELETE -> "deleted";
        };
    return LearnerActivity.newBuilder()
        .setActivityId(activityId(a))
        .setLearnerId("lrn_" + Math.floorMod(mix(a, 12), 250_000))
        .setCourseId("crs_" + Math.floorMod(mix(a, 13), 2_500))
        .setActivityType(type)
        .setActivityTimestamp(Instant.ofEpochMilli(timeOf(a) - Math.floorMod(mix(a, 14), 120_000)))
        .setUpdatedAt(Instant.ofEpochMilli(timeOf(k)))
        .setStatus(status)
        .setScore(scored ? Math.floorMod(mix(k, 15), 10_001) / 100.0 : null)
        .setDurationSeconds((int) Math.floorMod(mix(k, 16), 3_600))
        .setSessionId("ses_" + Long.toHexString(mix(a, 17) & 0xffff_ffffL))
        .setAttributes(
            Map.of(
                "device", DEVICES.get((int) Math.floorMod(mix(a, 18), DEVICES.size())),
                "locale", LOCALES.get((int) Math.floorMod(mix(a, 19), LOCALES.size()))))
        .setIsDeleted(change.kind() == Change.Kind.DELETE)
        .build();
  }

  /**
   * Stable, unique id of the activity created at {@code activitySlot} (a bijection of the slot).
   */
  public String activityId(long activitySlot) {
    // String.format was a tenth of the simulator's CPU while serving.
    String hex = Long.toHexString(mix64(activitySlot ^ mix64(settings.seed())));
    return "act_" + "0".repeat(16 - hex.length()) + hex;
  }

  private long mix(long value, int stream) {
    return mix64(value * 0x9E3779B97F4A7C15L + settings.seed() * 31 + stream * 0xD1B54A32D192ED03L);
  }

  private double unit(long value, int stream) {
    return (mix(value, stream) >>> 11) * 0x1.0p-53;
  }

  /** SplitMix64's finalizer: a bijection on 64-bit values with good avalanche. */
  static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** One change of the history. */
  public record Change(long slot, long activitySlot, Kind kind) {
    public enum Kind {
      CREATE,
      UPDATE,
      DELETE
    }
  }
}
