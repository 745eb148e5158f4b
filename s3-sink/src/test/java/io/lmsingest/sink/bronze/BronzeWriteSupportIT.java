package io.lmsingest.sink.bronze;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lmsingest.schemas.LearnerActivity;
import io.lmsingest.simulator.timeline.ActivityTimeline;
import io.lmsingest.simulator.timeline.TimelineSettings;
import io.lmsingest.testkit.IntegrationTest;
import io.lmsingest.testkit.WarehouseFixture;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.util.Utf8;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.io.LocalOutputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The compiled Bronze writer against parquet-avro's generic one: the same records give the same
 * file, as DuckDB reads it (schema, footer, every value).
 */
@IntegrationTest
class BronzeWriteSupportIT {
  private static final Schema BRONZE =
      BronzeParquetWriter.bronzeSchema(LearnerActivity.getClassSchema());

  @Test
  void writesWhatParquetAvroWrites(WarehouseFixture warehouse, @TempDir Path dir) throws Exception {
    ActivityTimeline timeline =
        new ActivityTimeline(
            new TimelineSettings(
                3, BronzeParquetWriterIT.START, 1_000_000, OptionalLong.empty(), 0.2, 0.01, 1));
    List<GenericRecord> records = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      records.add(BronzeParquetWriterIT.generic(timeline.recordAt(i)));
    }
    // Every optional column null, and an empty map.
    GenericRecord sparse = BronzeParquetWriterIT.generic(timeline.recordAt(0));
    for (String optional : List.of("status", "score", "duration_seconds", "session_id")) {
      sparse.put(optional, null);
    }
    sparse.put("attributes", Map.of());
    records.add(sparse);
    assertThat(BronzeWriteSupport.supports(BRONZE)).isTrue();

    Path compiled = dir.resolve("compiled.parquet");
    Path generic = dir.resolve("generic.parquet");
    write(BronzeWriteSupport.compiled(new LocalOutputFile(compiled), BRONZE), records);
    write(BronzeWriteSupport.generic(new LocalOutputFile(generic), BRONZE), records);
    // The sink reads strings as Avro's Utf8: the same values, the same file.
    Path fromUtf8 = dir.resolve("utf8.parquet");
    write(
        BronzeWriteSupport.compiled(new LocalOutputFile(fromUtf8), BRONZE),
        records.stream().map(BronzeWriteSupportIT::withUtf8Strings).toList());

    try (var db = warehouse.connect(warehouse.newDatabase());
        Statement st = db.createStatement()) {
      assertThat(rows(st, "DESCRIBE SELECT * FROM read_parquet('" + compiled + "')"))
          .isEqualTo(rows(st, "DESCRIBE SELECT * FROM read_parquet('" + generic + "')"))
          .hasSize(BRONZE.getFields().size());
      assertThat(rows(st, schemaOf(compiled))).isEqualTo(rows(st, schemaOf(generic)));
      assertThat(rows(st, footerOf(compiled))).isEqualTo(rows(st, footerOf(generic))).isNotEmpty();
      String a = asText(compiled);
      String b = asText(generic);
      assertThat(rows(st, "SELECT count(*) FROM (" + a + ")")).containsExactly(List.of("20001"));
      assertThat(rows(st, "(" + a + ") EXCEPT ALL (" + b + ")")).isEmpty();
      assertThat(rows(st, "(" + b + ") EXCEPT ALL (" + a + ")")).isEmpty();
      assertThat(rows(st, "(" + asText(fromUtf8) + ") EXCEPT ALL (" + b + ")")).isEmpty();
      assertThat(rows(st, "(" + b + ") EXCEPT ALL (" + asText(fromUtf8) + ")")).isEmpty();
      assertThat(
              rows(
                  st,
                  "SELECT status, score, duration_seconds, session_id, cardinality(attributes)"
                      + " FROM read_parquet('"
                      + compiled
                      + "') WHERE _kafka_offset = "
                      + (records.size() - 1)))
          .containsExactly(List.of("null", "null", "null", "null", "0"));
    }
  }

  @Test
  void refusesANullInARequiredColumn(@TempDir Path dir) throws Exception {
    GenericData.Record broken = new GenericData.Record(LearnerActivity.getClassSchema());
    try (ParquetWriter<BronzeWriteSupport.Row> writer =
        BronzeWriteSupport.compiled(new LocalOutputFile(dir.resolve("broken.parquet")), BRONZE)
            .build()) {
      assertThatThrownBy(() -> writer.write(new BronzeWriteSupport.Row(broken, 0, 0, 0)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("activity_id");
    }
  }

  @Test
  void leavesNestedTypesToParquetAvro() {
    Schema nested =
        SchemaBuilder.record("Nested")
            .fields()
            .requiredString("id")
            .name("tags")
            .type()
            .array()
            .items()
            .stringType()
            .noDefault()
            .endRecord();
    assertThat(BronzeWriteSupport.supports(BronzeParquetWriter.bronzeSchema(nested))).isFalse();
    assertThatThrownBy(() -> new BronzeWriteSupport(BronzeParquetWriter.bronzeSchema(nested)))
        .hasMessageContaining("tags");
  }

  private static GenericRecord withUtf8Strings(GenericRecord record) {
    GenericData.Record copy = new GenericData.Record(record.getSchema());
    for (Schema.Field field : record.getSchema().getFields()) {
      Object value = record.get(field.pos());
      if (value instanceof String text) {
        value = new Utf8(text);
      } else if (value instanceof Map<?, ?> map) {
        Map<Utf8, Utf8> utf8 = new LinkedHashMap<>();
        map.forEach((k, v) -> utf8.put(new Utf8(k.toString()), new Utf8(v.toString())));
        value = utf8;
      }
      copy.put(field.pos(), value);
    }
    return copy;
  }

  private static void write(
      ParquetWriter.Builder<BronzeWriteSupport.Row, ?> builder, List<GenericRecord> records)
      throws Exception {
    try (ParquetWriter<BronzeWriteSupport.Row> writer = builder.withRowGroupSize(1 << 20).build()) {
      for (int i = 0; i < records.size(); i++) {
        writer.write(new BronzeWriteSupport.Row(records.get(i), i % 12, i, 1_700_000_000_000L + i));
      }
    }
  }

  /** The Parquet schema as written in the file, column by column. */
  private static String schemaOf(Path file) {
    return "SELECT name, type, repetition_type, converted_type, logical_type, num_children"
        + " FROM parquet_schema('"
        + file
        + "')";
  }

  /** The footer's key-value metadata (the Avro schema parquet-avro stores there). */
  private static String footerOf(Path file) {
    return "SELECT decode(key), decode(value) FROM parquet_kv_metadata('" + file + "') ORDER BY 1";
  }

  /** Every value, the map as text so set operations can compare it. */
  private static String asText(Path file) {
    return "SELECT * REPLACE (CAST(attributes AS VARCHAR) AS attributes) FROM read_parquet('"
        + file
        + "')";
  }

  private static List<List<String>> rows(Statement st, String sql) throws Exception {
    List<List<String>> rows = new ArrayList<>();
    try (ResultSet rs = st.executeQuery(sql)) {
      int columns = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        List<String> row = new ArrayList<>();
        for (int c = 1; c <= columns; c++) {
          row.add(String.valueOf(rs.getObject(c)));
        }
        rows.add(row);
      }
    }
    return rows;
  }
}
