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
    json.writeStringField("activity_id", a.getActivityId());
    json.writeStringField("learner_id", a.getLearnerId());
    json.writeStringField("course_id", a.getCourseId());
    json.writeStringField("activity_type", a.getActivityType());
    json.writeStringField("activity_timestamp", a.getActivityTimestamp().toString());
    json.writeStringField("updated_at", a.getUpdatedAt().toString());
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

  /** A delete as many LMS APIs send it: only what identifies and orders it. */
  public static void writeMinimalDelete(JsonGenerator json, LearnerActivity a) throws IOException {
    json.writeStartObject();
    json.writeStringField("activity_id", a.getActivityId());
    json.writeStringField("updated_at", a.getUpdatedAt().toString());
    json.writeBooleanField("is_deleted", true);
    json.writeEndObject();
  }
}
