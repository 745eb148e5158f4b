package io.lmsingest.loader.warehouse;

import static org.assertj.core.api.Assertions.assertThat;

import io.lmsingest.schemas.BronzeLayout;
import io.lmsingest.schemas.LearnerActivity;
import io.lmsingest.sink.bronze.BronzeParquetWriter;
import io.lmsingest.sink.bronze.WrittenFile;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.Util;
import org.apache.parquet.format.converter.ParquetMetadataConverter;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimestampLogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Type fidelity from Bronze to Snowflake, proven on the sink's own Parquet: every column of a file
 * written by the real Bronze writer (read back from its footer) lands, with the loader's COPY
 * options, in a Snowflake column of a compatible type in both tables of the DDL. A change on one
 * side only (the Avro schema, the DDL, or the file-format options) fails here.
 */
class BronzeTypeFidelityTest {
  @TempDir Path dir;

  /**
   * How Snowflake types a Parquet column it reads with {@code USE_LOGICAL_TYPE} on or off
   * (docs/snowflake.md, "Type fidelity", with the documentation each rule comes from). A column
   * this does not know fails the test: teach it, and the DDL, before Bronze carries such a column.
   */
  static String snowflakeReads(Type column, boolean logicalTypes) {
    LogicalTypeAnnotation logical = column.getLogicalTypeAnnotation();
    if (!column.isPrimitive()) {
      if (logical == LogicalTypeAnnotation.mapType()) {
        return "OBJECT";
      }
      if (logical == LogicalTypeAnnotation.listType()) {
        return "ARRAY";
      }
      throw new AssertionError("no rule for how Snowflake lands the group " + column);
    }
    PrimitiveType.PrimitiveTypeName physical = column.asPrimitiveType().getPrimitiveTypeName();
    return switch (physical) {
      case BINARY ->
          logical == LogicalTypeAnnotation.stringType()
                  || logical == LogicalTypeAnnotation.enumType()
              ? "TEXT"
              : "BINARY";
      case BOOLEAN -> "BOOLEAN";
      case DOUBLE, FLOAT -> "REAL";
      case INT32 -> logical == LogicalTypeAnnotation.dateType() ? "DATE" : "NUMBER(38, 0)";
      case INT64 -> {
        if (logical instanceof TimestampLogicalTypeAnnotation ts && logicalTypes) {
          yield ts.isAdjustedToUTC() ? "TIMESTAMP_LTZ" : "TIMESTAMP_NTZ";
        }
        yield "NUMBER(38, 0)"; // without logical types, a timestamp is its epoch number
      }
      default -> throw new AssertionError("no rule for how Snowflake lands " + column);
    };
  }

  /** What is wrong between a file's footer, a table's DDL and the COPY options; empty = nothing. */
  static List<String> problems(MessageType footer, Map<String, String> ddl, String copyOptions) {
    boolean logicalTypes =
        copyOptions
            .toUpperCase(Locale.ROOT)
            .replaceAll("\\s+", " ")
            .contains("USE_LOGICAL_TYPE = TRUE");
    List<String> problems = new ArrayList<>();
    for (Type column : footer.getFields()) {
      String name = column.getName().toLowerCase(Locale.ROOT);
      String declared = ddl.get(name);
      String reads = snowflakeReads(column, logicalTypes);
      if (declared == null) {
        problems.add(name + ": in the files, not in the DDL");
      } else if (!SnowflakeTypes.loadsInto(reads, declared)) {
        problems.add(name + ": Snowflake reads " + reads + ", the DDL declares " + declared);
      }
    }
    return problems;
  }

  /** The columns of one table in a Snowflake DDL script, lower-case name → declared type. */
  static Map<String, String> columnsOf(List<String> statements, String table) {
    Pattern create =
        Pattern.compile(
            "CREATE (?:TRANSIENT )?TABLE IF NOT EXISTS " + table + " \\((.*)\\)", Pattern.DOTALL);
    for (String statement : statements) {
      Matcher m = create.matcher(statement);
      if (m.matches()) {
        Map<String, String> columns = new LinkedHashMap<>();
        for (String definition : m.group(1).split(",(?![^(]*\\))")) {
          String[] words = definition.strip().split("\\s+");
          if (!words[0].equalsIgnoreCase("PRIMARY")) {
            columns.put(words[0].toLowerCase(Locale.ROOT), words[1]);
          }
        }
        return columns;
      }
    }
    throw new AssertionError("no CREATE TABLE " + table + " in the DDL");
  }

  static List<String> snowflakeDdl() throws Exception {
    return Migrations.statements("snowflake", "V1__tables.sql");
  }

  MessageType bronzeFooter(Schema schema) throws Exception {
    GenericData.Record record = new GenericData.Record(schema);
    record.put("activity_id", "a-1");
    record.put("learner_id", "l-1");
    record.put("course_id", "c-1");
    record.put("activity_type", "quiz_submitted");
    record.put("activity_timestamp", 1_764_000_000_000L);
    record.put("updated_at", 1_764_000_000_500L);
    record.put("status", "completed");
    record.put(
        "score", schema.getField("score").schema().toString().contains("string") ? "90" : 90.5);
    record.put("duration_seconds", 42);
    record.put("session_id", "s-1");
    record.put("attributes", Map.of("device", "mobile"));
    record.put("is_deleted", false);
    WrittenFile file;
    try (BronzeParquetWriter writer =
        new BronzeParquetWriter(
            dir, BronzeLayout.BRONZE_PREFIX, "lms.learner-activity.v1", 0, schema, 1 << 20)) {
      writer.write(record, 0, 1_764_000_001_000L);
      file = writer.complete();
    }
    return footerSchema(file.localFile());
  }

  /**
   * The schema in a Parquet file's footer (…, footer, 4-byte footer length, "PAR1"), read without
   * ParquetFileReader, which needs Hadoop's mapreduce classes the project leaves out.
   */
  static MessageType footerSchema(Path parquet) throws Exception {
    byte[] bytes = Files.readAllBytes(parquet);
    int end = bytes.length - 4;
    assertThat(new String(bytes, end, 4, StandardCharsets.US_ASCII)).isEqualTo("PAR1");
    int length = ByteBuffer.wrap(bytes, end - 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    FileMetaData metadata =
        Util.readFileMetaData(new ByteArrayInputStream(bytes, end - 4 - length, length));
    return new ParquetMetadataConverter()
        .fromParquetMetadata(metadata)
        .getFileMetaData()
        .getSchema();
  }

  @Test
  void everyBronzeColumnLandsInACompatibleColumnOfBothTablesWithTheLoadersCopyOptions()
      throws Exception {
    MessageType footer = bronzeFooter(LearnerActivity.getClassSchema());
    assertThat(footer.getFields()).hasSize(LearnerActivity.getClassSchema().getFields().size() + 3);
    String copy = SnowflakeWarehouse.FILE_FORMAT_OPTIONS;
    assertThat(problems(footer, columnsOf(snowflakeDdl(), "raw_learner_activity"), copy)).isEmpty();
    assertThat(problems(footer, columnsOf(snowflakeDdl(), "analytics_ready"), copy)).isEmpty();
    // What the rules above say of the Bronze columns that matter most.
    Map<String, String> reads = new LinkedHashMap<>();
    footer.getFields().forEach(f -> reads.put(f.getName(), snowflakeReads(f, true)));
    assertThat(reads)
        .containsEntry("updated_at", "TIMESTAMP_LTZ")
        .containsEntry("_kafka_timestamp", "TIMESTAMP_LTZ")
        .containsEntry("attributes", "OBJECT")
        .containsEntry("score", "REAL");
  }

  @Test
  void aColumnTypeChangedInTheDdlAloneFails() throws Exception {
    MessageType footer = bronzeFooter(LearnerActivity.getClassSchema());
    Map<String, String> ddl = columnsOf(snowflakeDdl(), "analytics_ready");
    ddl.put("score", "VARCHAR");
    ddl.put("attributes", "VARCHAR");
    assertThat(problems(footer, ddl, SnowflakeWarehouse.FILE_FORMAT_OPTIONS))
        .containsExactly(
            "score: Snowflake reads REAL, the DDL declares VARCHAR",
            "attributes: Snowflake reads OBJECT, the DDL declares VARCHAR");
  }

  @Test
  void aFieldTypeChangedInTheAvroSchemaAloneFails() throws Exception {
    Schema scoreAsText =
        new Schema.Parser()
            .parse(
                LearnerActivity.getClassSchema()
                    .toString()
                    .replace("[\"null\",\"double\"]", "[\"null\",\"string\"]"));
    assertThat(scoreAsText.getField("score").schema().toString()).contains("string");
    MessageType footer = bronzeFooter(scoreAsText);
    assertThat(
            problems(
                footer,
                columnsOf(snowflakeDdl(), "raw_learner_activity"),
                SnowflakeWarehouse.FILE_FORMAT_OPTIONS))
        .containsExactly("score: Snowflake reads TEXT, the DDL declares DOUBLE");
  }

  @Test
  void copyOptionsWithoutLogicalTypesWouldLoadTimestampsAsNumbersAndFail() throws Exception {
    MessageType footer = bronzeFooter(LearnerActivity.getClassSchema());
    assertThat(
            problems(footer, columnsOf(snowflakeDdl(), "raw_learner_activity"), "TYPE = PARQUET"))
        .containsExactly(
            "activity_timestamp: Snowflake reads NUMBER(38, 0), the DDL declares TIMESTAMP_NTZ",
            "updated_at: Snowflake reads NUMBER(38, 0), the DDL declares TIMESTAMP_NTZ",
            "_kafka_timestamp: Snowflake reads NUMBER(38, 0), the DDL declares TIMESTAMP_NTZ");
  }

  @Test
  void theNamedFileFormatAndCopyReadParquetWithTheSameOptions() throws Exception {
    List<String> latestFormat = new ArrayList<>();
    for (String script : Migrations.scripts("snowflake")) {
      for (String statement : Migrations.statements("snowflake", script)) {
        if (statement.contains("FILE FORMAT") && statement.contains("lms_parquet")) {
          latestFormat.add(statement);
        }
      }
    }
    assertThat(latestFormat.get(latestFormat.size() - 1))
        .isEqualTo(
            "CREATE OR REPLACE FILE FORMAT lms_parquet " + SnowflakeWarehouse.FILE_FORMAT_OPTIONS);
  }

  @Test
  void typeFamiliesCompareWhatInferSchemaAndInformationSchemaPrint() {
    assertThat(SnowflakeTypes.loadsInto("NUMBER(38, 0)", "INTEGER")).isTrue();
    assertThat(SnowflakeTypes.loadsInto("TIMESTAMP_LTZ", "TIMESTAMP_NTZ")).isTrue();
    assertThat(SnowflakeTypes.loadsInto("TEXT", "VARCHAR(16777216)")).isTrue();
    assertThat(SnowflakeTypes.loadsInto("OBJECT", "VARIANT")).isTrue();
    assertThat(SnowflakeTypes.loadsInto("REAL", "NUMBER")).isFalse();
    assertThat(SnowflakeTypes.loadsInto("NUMBER(38, 0)", "TIMESTAMP_NTZ")).isFalse();
    assertThat(SnowflakeTypes.loadsInto("TEXT", "VARIANT")).isFalse();
    assertThat(SnowflakeTypes.columnFor("TIMESTAMP_LTZ")).isEqualTo("TIMESTAMP_NTZ");
    assertThat(SnowflakeTypes.columnFor("OBJECT")).isEqualTo("VARIANT");
    assertThat(SnowflakeTypes.columnFor("NUMBER(38, 0)")).isEqualTo("NUMBER(38,0)");
  }
}
