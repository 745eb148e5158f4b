package io.lmsingest.poller.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.lmsingest.schemas.LearnerActivity;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;

/**
 * Maps one activity object of the API's JSON to a {@link LearnerActivity}, token by token. Unknown
 * fields are skipped (the API may grow). Missing ids become empty strings and a missing or invalid
 * activity_timestamp becomes the epoch, so the validator sends such records to the DLQ with a
 * reason instead of the poller stalling on them. Only updated_at must be valid: it orders the feed.
 */
final class ActivityJsonReader {
  private ActivityJsonReader() {}

  static LearnerActivity read(JsonParser json) throws IOException {
    if (json.currentToken() != JsonToken.START_OBJECT) {
      throw new IOException("expected an activity object, found " + json.currentToken());
    }
    LearnerActivity.Builder b =
        LearnerActivity.newBuilder()
            .setActivityId("")
            .setLearnerId("")
            .setCourseId("")
            .setActivityType("")
            .setActivityTimestamp(Instant.EPOCH)
            .setAttributes(new HashMap<>());
    Instant updatedAt = null;
    while (json.nextToken() == JsonToken.FIELD_NAME) {
      String field = json.currentName();
      JsonToken value = json.nextToken();
      if (value == JsonToken.VALUE_NULL) {
        continue;
      }
      switch (field) {
        case "activity_id" -> b.setActivityId(json.getValueAsString(""));
        case "learner_id" -> b.setLearnerId(json.getValueAsString(""));
        case "course_id" -> b.setCourseId(json.getValueAsString(""));
        case "activity_type" -> b.setActivityType(json.getValueAsString(""));
        case "activity_timestamp" ->
            b.setActivityTimestamp(instantOr(json.getValueAsString(), Instant.EPOCH));
        case "updated_at" -> updatedAt = instantOr(json.getValueAsString(), null);
        case "status" -> b.setStatus(json.getValueAsString());
        case "score" -> b.setScore(json.getValueAsDouble());
        case "duration_seconds" -> b.setDurationSeconds(json.getValueAsInt());
        case "session_id" -> b.setSessionId(json.getValueAsString());
        case "is_deleted" -> b.setIsDeleted(json.getValueAsBoolean());
        case "attributes" -> b.setAttributes(attributes(json));
        default -> json.skipChildren();
      }
    }
    if (updatedAt == null) {
      throw new IOException("activity '" + b.getActivityId() + "' has no valid updated_at");
    }
    return b.setUpdatedAt(updatedAt).build();
  }

  private static Map<String, String> attributes(JsonParser json) throws IOException {
    Map<String, String> attributes = new HashMap<>();
    if (json.currentToken() != JsonToken.START_OBJECT) {
      json.skipChildren();
      return attributes;
    }
    while (json.nextToken() == JsonToken.FIELD_NAME) {
      String key = json.currentName();
      JsonToken value = json.nextToken();
      if (value.isScalarValue() && value != JsonToken.VALUE_NULL) {
        attributes.put(key, json.getValueAsString());
      } else {
        json.skipChildren();
      }
    }
    return attributes;
  }

  private static Instant instantOr(String text, Instant fallback) {
    if (text == null) {
      return fallback;
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      return fallback;
    }
  }
}
