package io.lmsingest.sink.bronze;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lmsingest.schemas.BronzeLayout;
import io.lmsingest.schemas.LearnerActivity;
import io.lmsingest.schemas.Topics;
import io.lmsingest.simulator.timeline.ActivityTimeline;
import io.lmsingest.simulator.timeline.TimelineSettings;
import io.lmsingest.testkit.IntegrationTest;
import io.lmsingest.testkit.WarehouseFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Bronze file read back by an independent reader (DuckDB's read_parquet). */
@IntegrationTest
class BronzeParquetWriterIT {
  static final Instant START = Instant.parse("2026-11-20T23:59:00Z");

  static GenericRecord generic(LearnerActivity a) {
    Schema schema = LearnerActivity.getClassSchema();
    GenericData.Record record = new GenericData.Record(schema);
    for (Schema.Field f : schema.getFields()) {
      Object value = a.get(f.pos());
      record.put(f.pos(), value instanceof Instant i ? i.toEpochMilli() : value);
    }
    return record;
  }

  @Test
  void writesZstdParquetWithLineageThatDuckDbReadsBack(
      WarehouseFixture warehouse, @TempDir Path dir) throws Exception {
    ActivityTimeline timeline =
        new ActivityTimeline(
            new TimelineSettings(3, START, 1_000_000, OptionalLong.empty(), 0.2, 0.01, 1));
    int rows = 20_000;
    long firstOffset = 1_000;
    WrittenFile file;
    try (BronzeParquetWriter writer =
        new BronzeParquetWriter(
            dir,
            BronzeLayout.BRONZE_PREFIX,
            Topics.V1,
            4,
            LearnerActivity.getClassSchema(),
            1 << 20)) {
      for (int i = 0; i < rows; i++) {
        // Offsets with gaps, as transaction markers leave them; Kafka timestamps start on
        // 2026-11-20.
        writer.write(generic(timeline.recordAt(i)), firstOffset + 2L * i, timeline.timeOf(i));
      }
      assertThatThrownBy(() -> writer.write(generic(timeline.recordAt(0)), firstOffset, 0))
          .hasMessageContaining("not after");
      file = writer.complete();
    }

    assertThat(file.key())
        .isEqualTo(
            "bronze/learner_activity/dt=2026-11-20/lms.learner-activity.v1+4+00000000000000001000.parquet");
    assertThat(file.rows()).isEqualTo(rows);
    assertThat(file.startOffset()).isEqualTo(firstOffset);
    assertThat(file.endOffset()).isEqualTo(firstOffset + 2L * (rows - 1));
    assertThat(file.sizeBytes()).isEqualTo(Files.size(file.localFile()));
    assertThat(file.sha256()).isEqualTo(BronzeParquetWriter.sha256(file.localFile())).hasSize(64);
    assertThat(file.minUpdatedAt()).contains(Instant.ofEpochMilli(timeline.timeOf(0)));
    assertThat(file.maxUpdatedAt()).contains(Instant.ofEpochMilli(timeline.timeOf(rows - 1)));
    System.out.printf(
        "bronze: %d rows in %d bytes (%.1f B/row)%n",
        rows, file.sizeBytes(), file.sizeBytes() / (double) rows);

    String parquet = "read_parquet('" + file.localFile() + "')";
    try (var db = warehouse.connect(warehouse.newDatabase());
        var st = db.createStatement()) {
      try (ResultSet rs =
          st.executeQuery(
              "SELECT count(*), count(DISTINCT _kafka_offset), min(_kafka_offset), max(_kafka_offset),"
                  + " min(_kafka_partition), max(_kafka_partition), min(epoch_ms(_kafka_timestamp)), sum(CASE WHEN is_deleted THEN 1 ELSE 0 END)"
                  + " FROM "
                  + parquet)) {
        rs.next();
        assertThat(rs.getLong(1)).isEqualTo(rows);
        assertThat(rs.getLong(2)).isEqualTo(rows);
        assertThat(rs.getLong(3)).isEqualTo(firstOffset);
        assertThat(rs.getLong(4)).isEqualTo(file.endOffset());
        assertThat(rs.getInt(5)).isEqualTo(4);
        assertThat(rs.getInt(6)).isEqualTo(4);
        assertThat(rs.getLong(7)).isEqualTo(timeline.timeOf(0));
        assertThat(rs.getLong(8)).isPositive();
      }
      try (ResultSet rs =
          st.executeQuery(
              "SELECT DISTINCT compression FROM parquet_metadata('" + file.localFile() + "')")) {
        rs.next();
        assertThat(rs.getString(1)).isEqualTo("ZSTD");
        assertThat(rs.next()).isFalse();
      }
      // Near-unique columns are written plain (no dictionary built and thrown away), the others
      // keep their dictionary.
      Map<String, String> encodings = new HashMap<>();
      try (ResultSet rs =
          st.executeQuery(
              "SELECT path_in_schema, encodings FROM parquet_metadata('"
                  + file.localFile()
                  + "')")) {
        while (rs.next()) {
          encodings.merge(rs.getString(1), rs.getString(2), (a, b) -> a + ", " + b);
        }
      }
      assertThat(BronzeParquetWriter.PLAIN_COLUMNS)
          .allSatisfy(c -> assertThat(encodings.get(c)).doesNotContain("DICTIONARY"));
      assertThat(List.of("activity_type", "course_id", "status", BronzeLayout.PARTITION_COLUMN))
          .allSatisfy(c -> assertThat(encodings.get(c)).contains("DICTIONARY"));
      // Row-by-row the content is the source record's.
      LearnerActivity expected = timeline.recordAt(123);
      try (ResultSet rs =
          st.executeQuery(
              "SELECT activity_id, learner_id, epoch_ms(updated_at), attributes['device']"
                  + " FROM "
                  + parquet
                  + " WHERE _kafka_offset = "
                  + (firstOffset + 246))) {
        rs.next();
        assertThat(rs.getString(1)).isEqualTo(expected.getActivityId());
        assertThat(rs.getString(2)).isEqualTo(expected.getLearnerId());
        assertThat(rs.getLong(3)).isEqualTo(expected.getUpdatedAt().toEpochMilli());
        assertThat(rs.getString(4)).isEqualTo(expected.getAttributes().get("device"));
      }
    }
  }

  @Test
  void abortLeavesNothingAndEmptyFilesAreNeverCompleted(@TempDir Path dir) throws Exception {
    try (BronzeParquetWriter writer =
        new BronzeParquetWriter(
            dir, "bronze/x", "t", 0, LearnerActivity.getClassSchema(), 1 << 20)) {
      assertThatThrownBy(writer::complete).hasMessageContaining("empty");
      writer.abort();
    }
    try (var files = Files.list(dir)) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void bronzeKeysRefuseTopicsThatWouldBreakTheirFormat() {
    assertThatThrownBy(() -> new BronzeObjectKey("bronze/x", "a+b", 0, 0, START))
        .hasMessageContaining("cannot be part");
    assertThat(
            new BronzeObjectKey("bronze/x", "t", 11, 42, Instant.parse("2026-01-02T03:04:05Z"))
                .key())
        .isEqualTo("bronze/x/dt=2026-01-02/t+11+00000000000000000042.parquet");
  }
}
