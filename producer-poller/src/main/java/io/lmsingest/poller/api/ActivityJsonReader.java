package io.lmsingest.poller.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lmsingest.schemas.LearnerActivity;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * Maps one activity object of the API's JSON to a {@link LearnerActivity}, one object at a time (a
 * page is never held whole). Unknown fields are skipped (the API may grow). Missing ids become
 * empty strings and a missing activity_timestamp becomes the epoch, so the validator sends such
 * records to the DLQ with its rule. What cannot be mapped without guessing — no valid updated_at
 * (it orders the feed), a value of the wrong type ({@code "score":"n/a"} is not 0.0), a number out
 * of range, an object where a scalar belongs — is an {@link UnparsableRecord}: the poller sends it
 * to the DLQ with the reason and goes on, instead of retrying the page for ever.
 */
final class ActivityJsonReader {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One element of a page's {@code data} array. */
  sealed interface Parsed permits Parsed.Activity, UnparsableRecord {
    record Activity(LearnerActivity activity) implements Parsed {}
  }

  /** Thrown inside the mapping for a value that cannot be taken as it is. */
  private static final class Unmappable extends Exception {
    Unmappable(String reason) {
      super(reason, null, false, false);
    }
  }

  private ActivityJsonReader() {}

  /**
   * Reads the element the parser stands on. Throws only when the page itself is not JSON (a cut off
   * or garbled body: the page is retried); a well-formed element that is not a valid activity comes
   * back as an {@link UnparsableRecord}.
   */
  static Parsed read(JsonParser parser) throws IOException {
    JsonNode node;
    try {
      node = JSON.readTree(parser);
    } catch (JsonProcessingException e) {
      throw new IOException("malformed JSON in the page: " + e.getOriginalMessage(), e);
    }
    if (node == null || !node.isObject()) {
      return unparsable(node, "the element is not a JSON object");
    }
    try {
      return new Parsed.Activity(map(node));
    } catch (Unmappable e) {
      return unparsable(node, e.getMessage());
    }
  }

  private static UnparsableRecord unparsable(JsonNode node, String reason) throws IOException {
    String id =
        node != null && node.path("activity_id").isValueNode()
            ? node.path("activity_id").asText()
            : null;
    Optional<Instant> updatedAt;
    try {
      updatedAt = node != null && node.isObject() ? instant(node, "updated_at") : Optional.empty();
    } catch (Unmappable e) {
      updatedAt = Optional.empty(); // the reason already says what is wrong with the record
    }
    return new UnparsableRecord(
        JSON.writeValueAsString(node),
        Optional.ofNullable(id).filter(s -> !s.isEmpty()),
        updatedAt,
        reason);
  }

  private static LearnerActivity map(JsonNode o) throws Unmappable {
    LearnerActivity.Builder b =
        LearnerActivity.newBuilder()
            .setActivityId(text(o, "activity_id").orElse(""))
            .setLearnerId(text(o, "learner_id").orElse(""))
            .setCourseId(text(o, "course_id").orElse(""))
            .setActivityType(text(o, "activity_type").orElse(""))
            .setActivityTimestamp(instant(o, "activity_timestamp").orElse(Instant.EPOCH))
            .setStatus(text(o, "status").orElse(null))
            .setScore(score(o))
            .setDurationSeconds(int32(o, "duration_seconds"))
            .setSessionId(text(o, "session_id").orElse(null))
            .setAttributes(attributes(o))
            .setIsDeleted(bool(o, "is_deleted"));
    return b.setUpdatedAt(
            instant(o, "updated_at").orElseThrow(() -> new Unmappable("no updated_at")))
        .build();
  }

  private static JsonNode present(JsonNode o, String field) {
    JsonNode v = o.get(field);
    return v == null || v.isNull() ? null : v;
  }

  /** A string; a number is taken as its decimal text (ids are often numeric), nothing else. */
  private static Optional<String> text(JsonNode o, String field) throws Unmappable {
    JsonNode v = present(o, field);
    if (v == null) {
      return Optional.empty();
    }
    if (v.isTextual() || v.isIntegralNumber()) {
      return Optional.of(v.asText());
    }
    throw new Unmappable(field + " is " + kind(v) + ", not a string");
  }

  private static Optional<Instant> instant(JsonNode o, String field) throws Unmappable {
    JsonNode v = present(o, field);
    if (v == null) {
      return Optional.empty();
    }
    if (!v.isTextual()) {
      throw new Unmappable(field + " is " + kind(v) + ", not an ISO-8601 instant");
    }
    try {
      return Optional.of(ApiInstant.parse(v.asText()));
    } catch (DateTimeParseException e) {
      throw new Unmappable(field + " '" + v.asText() + "' is not an ISO-8601 instant");
    }
  }

  private static Double score(JsonNode o) throws Unmappable {
    JsonNode v = present(o, "score");
    if (v == null) {
      return null;
    }
    if (!v.isNumber()) {
      throw new Unmappable("score is " + kind(v) + ", not a number");
    }
    double d = v.asDouble();
    if (Double.isInfinite(d)) {
      throw new Unmappable("score " + v.asText() + " is out of range");
    }
    return d;
  }

  private static Integer int32(JsonNode o, String field) throws Unmappable {
    JsonNode v = present(o, field);
    if (v == null) {
      return null;
    }
    if (!v.isIntegralNumber()) {
      throw new Unmappable(field + " is " + kind(v) + ", not an integer");
    }
    if (!v.canConvertToInt()) {
      throw new Unmappable(field + " " + v.asText() + " does not fit in 32 bits");
    }
    return v.intValue();
  }

  private static boolean bool(JsonNode o, String field) throws Unmappable {
    JsonNode v = present(o, field);
    if (v == null) {
      return false;
    }
    if (!v.isBoolean()) {
      throw new Unmappable(field + " is " + kind(v) + ", not true or false");
    }
    return v.booleanValue();
  }

  /** A flat object of scalar values; anything nested would be lost, so it is refused. */
  private static Map<String, String> attributes(JsonNode o) throws Unmappable {
    Map<String, String> attributes = new HashMap<>();
    JsonNode v = present(o, "attributes");
    if (v == null) {
      return attributes;
    }
    if (!v.isObject()) {
      throw new Unmappable("attributes is " + kind(v) + ", not an object");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getValue().isNull()) {
        continue;
      }
      if (!e.getValue().isValueNode()) {
        throw new Unmappable("attributes." + e.getKey() + " is " + kind(e.getValue()));
      }
      attributes.put(e.getKey(), e.getValue().asText());
    }
    return attributes;
  }

  private static String kind(JsonNode v) {
    return switch (v.getNodeType()) {
      case OBJECT -> "an object";
      case ARRAY -> "an array";
      case STRING -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      default -> v.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    };
  }
}
