package io.lmsingest.loader.warehouse;

import static org.assertj.core.api.Assertions.assertThat;

import io.lmsingest.schemas.BronzeLayout;
import io.lmsingest.schemas.LearnerActivity;
import io.lmsingest.sink.bronze.BronzeParquetWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded warehouse's copy turns a Bronze file's UTC-adjusted timestamps into the UTC
 * wall-clock TIMESTAMPs its tables keep by arithmetic, not by DuckDB's ICU cast: the same values,
 * whatever the session's TimeZone.
 */
class UtcTimestampTest {
  @TempDir Path dir;

  private static final long[] MILLIS = {
    -62_135_596_800_000L, // 0001-01-01T00:00:00Z
    -1L, // 1969-12-31T23:59:59.999Z
    0L, // the poller's placeholder for a missing activity_timestamp
    1_764_000_000_123L,
    1_777_777_777_777L, // in summer time in zones that have one
    253_402_300_799_999L, // 9999-12-31T23:59:59.999Z
  };

  @Test
  void bronzeTimestampsLandAsTheirUtcWallClockInAnySessionTimeZone() throws Exception {
    Path file = bronzeFile();
    // A TIMESTAMP's epoch_ms is its wall clock read as UTC: the instant's own millis when right.
    List<Long> expected = Arrays.stream(MILLIS).boxed().toList();
    for (String zone : List.of("UTC", "Asia/Kolkata", "America/New_York")) {
      assertThat(read(file, zone, DuckDbWarehouse.utcTimestamp("activity_timestamp")))
          .as("activity_timestamp in a session at %s", zone)
          .containsExactlyElementsOf(expected);
      assertThat(read(file, zone, DuckDbWarehouse.utcTimestamp("_kafka_timestamp")))
          .as("_kafka_timestamp in a session at %s", zone)
          .containsExactlyElementsOf(expected);
    }
    // What the expression replaces: the cast gives the same only in a UTC session.
    assertThat(read(file, "UTC", "CAST(activity_timestamp AS TIMESTAMP)"))
        .containsExactlyElementsOf(expected);
    assertThat(read(file, "Asia/Kolkata", "CAST(activity_timestamp AS TIMESTAMP)"))
        .doesNotContainAnyElementsOf(expected);
  }

  @Test
  void aMissingTimestampStaysMissingAndOneWithoutTimeZoneIsKeptAsItIs() throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = c.createStatement()) {
      st.execute("SET TimeZone = 'Asia/Kolkata'");
      try (ResultSet rs =
          st.executeQuery(
              "SELECT "
                  + DuckDbWarehouse.utcTimestamp("CAST(NULL AS TIMESTAMP WITH TIME ZONE)")
                  + ", "
                  + DuckDbWarehouse.utcTimestamp("TIMESTAMP '2026-03-29 01:30:00.123'")
                  + " = TIMESTAMP '2026-03-29 01:30:00.123'")) {
        rs.next();
        assertThat(rs.getObject(1)).isNull();
        assertThat(rs.getBoolean(2)).isTrue();
      }
    }
  }

  private Path bronzeFile() throws Exception {
    Schema schema = LearnerActivity.getClassSchema();
    try (BronzeParquetWriter writer =
        new BronzeParquetWriter(
            dir, BronzeLayout.BRONZE_PREFIX, "lms.learner-activity.v1", 0, schema, 1 << 20)) {
      for (int i = 0; i < MILLIS.length; i++) {
        GenericData.Record record = new GenericData.Record(schema);
        record.put("activity_id", "a-" + i);
        record.put("learner_id", "l-1");
        record.put("course_id", "c-1");
        record.put("activity_type", "quiz_submitted");
        record.put("activity_timestamp", MILLIS[i]);
        record.put("updated_at", MILLIS[i]);
        record.put("attributes", Map.of());
        record.put("is_deleted", false);
        writer.write(record, i, MILLIS[i]);
      }
      return writer.complete().localFile();
    }
  }

  /** The expression's value for each row of the file, in file order, as epoch_ms. */
  private static List<Long> read(Path file, String zone, String expression) throws Exception {
    List<Long> values = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = c.createStatement()) {
      st.execute("SET TimeZone = '" + zone + "'");
      try (ResultSet rs =
          st.executeQuery(
              "SELECT epoch_ms("
                  + expression
                  + ") FROM read_parquet('"
                  + file
                  + "') ORDER BY _kafka_offset")) {
        while (rs.next()) {
          values.add(rs.getLong(1));
        }
      }
    }
    return values;
  }
}
