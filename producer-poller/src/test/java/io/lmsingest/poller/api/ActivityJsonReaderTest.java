package io.lmsingest.poller.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import java.io.IOException;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ActivityJsonReaderTest {
  static final String GOOD =
      "{\"activity_id\":\"a1\",\"learner_id\":42,\"course_id\":\"c1\",\"activity_type\":\"quiz\","
          + "\"activity_timestamp\":\"2026-11-20T10:00:00Z\",\"updated_at\":\"2026-11-20T10:05:00Z\","
          + "\"score\":87.5,\"duration_seconds\":300,\"is_deleted\":false,"
          + "\"attributes\":{\"device\":\"mobile\",\"attempt\":2},\"new_field\":{\"x\":[1]}}";

  static ActivityJsonReader.Parsed read(String json) throws IOException {
    JsonParser parser = new JsonFactory().createParser(json);
    parser.nextToken();
    return ActivityJsonReader.read(parser);
  }

  @Test
  void aValidActivityIsMappedAndUnknownFieldsAreSkipped() throws Exception {
    var parsed = (ActivityJsonReader.Parsed.Activity) read(GOOD);
    var a = parsed.activity();
    assertThat(a.getActivityId()).isEqualTo("a1");
    assertThat(a.getLearnerId()).as("a numeric id is taken as its text").isEqualTo("42");
    assertThat(a.getUpdatedAt()).isEqualTo(Instant.parse("2026-11-20T10:05:00Z"));
    assertThat(a.getScore()).isEqualTo(87.5);
    assertThat(a.getDurationSeconds()).isEqualTo(300);
    assertThat(a.getAttributes()).containsEntry("device", "mobile").containsEntry("attempt", "2");
  }

  @Test
  void aMinimalDeleteIsReadAsADeleteWithEverythingElseUnknown() throws Exception {
    var a =
        ((ActivityJsonReader.Parsed.Activity)
                read(
                    "{\"activity_id\":\"a9\",\"updated_at\":\"2026-11-20T11:00:00Z\","
                        + "\"is_deleted\":true}"))
            .activity();
    assertThat(a.getIsDeleted()).isTrue();
    assertThat(a.getActivityId()).isEqualTo("a9");
    assertThat(a.getUpdatedAt()).isEqualTo(Instant.parse("2026-11-20T11:00:00Z"));
    // The placeholders the validator lets through for a delete and the loader treats as unknown.
    assertThat(a.getLearnerId()).isEmpty();
    assertThat(a.getActivityType()).isEmpty();
    assertThat(a.getActivityTimestamp()).isEqualTo(Instant.EPOCH);
    assertThat(a.getStatus()).isNull();
    assertThat(a.getAttributes()).isEmpty();
  }

  @Test
  void missingIdsAndActivityTimestampAreLeftForTheValidatorsRules() throws Exception {
    var a =
        ((ActivityJsonReader.Parsed.Activity)
                read("{\"activity_id\":\"a2\",\"updated_at\":\"2026-11-20T10:05:00Z\"}"))
            .activity();
    assertThat(a.getLearnerId()).isEmpty();
    assertThat(a.getActivityTimestamp()).isEqualTo(Instant.EPOCH);
    assertThat(a.getScore()).isNull();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "\"score\":\"n/a\"                      | score is a string, not a number",
        "\"duration_seconds\":10000000000       | duration_seconds 10000000000 does not fit in 32 bits",
        "\"duration_seconds\":1.5               | duration_seconds is a number, not an integer",
        "\"status\":{\"code\":1}                | status is an object, not a string",
        "\"learner_id\":[\"l1\"]                | learner_id is an array, not a string",
        "\"is_deleted\":\"yes\"                 | is_deleted is a string, not true or false",
        "\"attributes\":[\"device\"]            | attributes is an array, not an object",
        "\"attributes\":{\"geo\":{\"lat\":1}}   | attributes.geo is an object",
        "\"activity_timestamp\":\"yesterday\"   | activity_timestamp 'yesterday' is not an ISO-8601 instant",
        "\"updated_at\":\"2026-13-45\"          | updated_at '2026-13-45' is not an ISO-8601 instant"
      })
  void aValueThatCannotBeTakenAsItIsMakesTheRecordUnparsableNeverCoerced(
      String field, String reason) throws Exception {
    String json =
        "{\"activity_id\":\"a3\",\"updated_at\":\"2026-11-20T10:05:00Z\"," + field.strip() + "}";
    // a later key replaces an earlier one in the tree, so the bad updated_at case wins too
    var bad = (UnparsableRecord) read(json);
    assertThat(bad.reason()).isEqualTo(reason.strip());
    assertThat(bad.activityId()).contains("a3");
    assertThat(bad.json()).contains("\"activity_id\":\"a3\"").contains(field.strip());
  }

  @Test
  void aRecordWithoutUpdatedAtOrNotAnObjectIsUnparsable() throws Exception {
    assertThat(((UnparsableRecord) read("{\"activity_id\":\"a4\"}")).reason())
        .isEqualTo("no updated_at");
    UnparsableRecord notAnObject = (UnparsableRecord) read("17");
    assertThat(notAnObject.reason()).isEqualTo("the element is not a JSON object");
    assertThat(notAnObject.json()).isEqualTo("17");
    assertThat(notAnObject.activityId()).isEmpty();
  }

  @Test
  void brokenJsonFailsThePageInsteadOfBecomingARecord() {
    assertThatThrownBy(() -> read("{\"activity_id\":\"a5\",\"updated_at\":"))
        .isInstanceOf(IOException.class);
  }
}
