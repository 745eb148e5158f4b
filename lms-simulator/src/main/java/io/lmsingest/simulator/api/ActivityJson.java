package io.lmsingest.simulator.api;

import com.fasterxml.jackson.core.JsonGenerator;
import io.lmsingest.schemas.LearnerActivity;
import java.io.IOException;
import java.util.Map;

/** The API's JSON form of an activity: snake_case fields, ISO-8601 UTC timestamps. */
public final class ActivityJson {
  private ActivityJson() {}

  public static void write(JsonGenerator json, LearnerActivity a) throws IOException {
    json.writeStartObject();
    writeIdentity(json, a);
    json.writeStringField("status", a.getStatus());
    if (a.getScore() == null) {
      json.writeNullField("score");
    } else {
      json.writeNumberField("score", a.getScore());
    }
    if (a.getDurationSeconds() == null) {
      json.writeNullField("duration_seconds");
    } else {
      json.writeNumberField("duration_seconds", a.getDurationSeconds());
    }
    json.writeStringField("session_id", a.getSessionId());
    json.writeObjectFieldStart("attributes");
    for (Map.Entry<String, String> e : a.getAttributes().entrySet()) {
      json.writeStringField(e.getKey(), e.getValue());
    }
    json.writeEndObject();
    json.writeBooleanField("is_deleted", a.getIsDeleted());
    json.writeEndObject();
  }

  /**
   * The change with one value no activity can hold, chosen by {@code slot}: a score of "n/a", a
   * duration past 32 bits, or a status that is an object. Its id and updated_at stay readable, so
   * the DLQ entry names the change.
   */
  public static void writeUnparsable(JsonGenerator json, LearnerActivity a, long slot)
      throws IOException {
    json.writeStartObject();
    writeIdentity(json, a);
    switch ((int) Math.floorMod(slot, 3L)) {
      case 0 -> json.writeStringField("score", "n/a");
      case 1 -> json.writeNumberField("duration_seconds", 1L << 40);
      default -> {
        json.writeObjectFieldStart("status");
        json.writeStringField("code", a.getStatus() == null ? "unknown" : a.getStatus());
        json.writeEndObject();
      }
    }
    json.writeBooleanField("is_deleted", a.getIsDeleted());
    json.writeEndObject();
  }

  /** The fields every full change starts with: who did what, when, and which version. */
  private static void writeIdentity(JsonGenerator json, LearnerActivity a) throws IOException {
    json.writeStringField("activity_id", a.getActivityId());
    json.writeStringField("learner_id", a.getLearnerId());
    json.writeStringField("course_id", a.getCourseId());
    json.writeStringField("activity_type", a.getActivityType());
    json.writeStringField("activity_timestamp", IsoInstant.format(a.getActivityTimestamp()));
    json.writeStringField("updated_at", IsoInstant.format(a.getUpdatedAt()));
  }

  /** A delete as many LMS APIs send it: only what identifies and orders it. */
  public static void writeMinimalDelete(JsonGenerator json, LearnerActivity a) throws IOException {
    json.writeStartObject();
    json.writeStringField("activity_id", a.getActivityId());
    json.writeStringField("updated_at", IsoInstant.format(a.getUpdatedAt()));
    json.writeBooleanField("is_deleted", true);
    json.writeEndObject();
  }
}
