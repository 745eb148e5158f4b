package io.lmsingest.sink.bronze;

import io.lmsingest.schemas.BronzeLayout;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.OutputFile;

/**
 * Writes one Bronze file for one partition on local disk (never in memory as a whole): zstd Parquet
 * with the record's own columns plus {@code _kafka_partition}, {@code _kafka_offset}, {@code
 * _kafka_timestamp}. Write, then {@link #complete()} or {@link #abort()}. It knows nothing of Kafka
 * commits or uploads.
 */
public final class BronzeParquetWriter implements AutoCloseable {
  /**
   * Columns written without a dictionary: their values are (nearly) all different within a file, so
   * a dictionary would fill up, be thrown away and every value encoded again. Building those
   * dictionaries was 47 % of the sink's CPU samples in a JFR profile of the demo.
   */
  static final Set<String> PLAIN_COLUMNS =
      Set.of(
          "activity_id",
          "session_id",
          "learner_id",
          "activity_timestamp",
          "updated_at",
          BronzeLayout.OFFSET_COLUMN);

  private final Path localFile;
  private final String keyPrefix;
  private final String topic;
  private final int partition;
  private final Schema writerSchema;
  private final int updatedAtPosition;
  private final ParquetWriter<BronzeWriteSupport.Row> parquet;
  private long startOffset = -1;
  private long endOffset = -1;
  private Instant firstTimestamp;
  private long rows;
  private Long minUpdatedAt;
  private Long maxUpdatedAt;
  private boolean closed;

  /**
   * @param rowGroupBytes Parquet row group size: what is buffered in memory per open file
   */
  public BronzeParquetWriter(
      Path directory,
      String keyPrefix,
      String topic,
      int partition,
      Schema writerSchema,
      long rowGroupBytes)
      throws IOException {
    Files.createDirectories(directory);
    this.localFile =
        Files.createTempFile(directory, topic + "+" + partition + "+", ".parquet.partial");
    this.keyPrefix = keyPrefix;
    this.topic = topic;
    this.partition = partition;
    this.writerSchema = writerSchema;
    Schema bronzeSchema = bronzeSchema(writerSchema);
    Schema.Field updatedAt = writerSchema.getField("updated_at");
    this.updatedAtPosition = updatedAt == null ? -1 : updatedAt.pos();
    this.parquet = open(new LocalOutputFile(localFile), bronzeSchema, rowGroupBytes);
  }

  /**
   * The compiled writer where the schema allows (every contract so far), parquet-avro's generic one
   * otherwise; both write the same file.
   */
  private static ParquetWriter<BronzeWriteSupport.Row> open(
      OutputFile file, Schema bronzeSchema, long rowGroupBytes) throws IOException {
    ParquetWriter.Builder<BronzeWriteSupport.Row, ?> builder =
        BronzeWriteSupport.supports(bronzeSchema)
            ? BronzeWriteSupport.compiled(file, bronzeSchema)
            : BronzeWriteSupport.generic(file, bronzeSchema);
    builder
        .withCompressionCodec(CompressionCodecName.ZSTD)
        .withRowGroupSize(rowGroupBytes)
        .withWriteMode(ParquetFileWriter.Mode.OVERWRITE);
    for (String column : PLAIN_COLUMNS) {
      if (bronzeSchema.getField(column) != null) {
        builder.withDictionaryEncoding(column, false);
      }
    }
    return builder.build();
  }

  /** The writer schema plus the three lineage columns. */
  public static Schema bronzeSchema(Schema writerSchema) {
    List<Schema.Field> fields = new ArrayList<>();
    for (Schema.Field field : writerSchema.getFields()) {
      fields.add(new Schema.Field(field, field.schema()));
    }
    fields.add(
        new Schema.Field(
            BronzeLayout.PARTITION_COLUMN,
            Schema.create(Schema.Type.INT),
            "Kafka partition of the record",
            null));
    fields.add(
        new Schema.Field(
            BronzeLayout.OFFSET_COLUMN,
            Schema.create(Schema.Type.LONG),
            "Kafka offset of the record",
            null));
    fields.add(
        new Schema.Field(
            BronzeLayout.TIMESTAMP_COLUMN,
            LogicalTypes.timestampMillis().addToSchema(Schema.create(Schema.Type.LONG)),
            "Kafka timestamp of the record (UTC)",
            null));
    return Schema.createRecord(
        writerSchema.getName(), writerSchema.getDoc(), writerSchema.getNamespace(), false, fields);
  }

  public Schema writerSchema() {
    return writerSchema;
  }

  /** Appends one record; offsets must increase (gaps, e.g. from transaction markers, are fine). */
  public void write(GenericRecord value, long offset, long kafkaTimestampMillis)
      throws IOException {
    if (offset <= endOffset) {
      throw new IllegalArgumentException(
          "offset " + offset + " of " + topic + "-" + partition + " is not after " + endOffset);
    }
    if (!value.getSchema().equals(writerSchema)) {
      throw new IllegalArgumentException(
          "record schema differs from this file's writer schema: roll the file first");
    }
    parquet.write(new BronzeWriteSupport.Row(value, partition, offset, kafkaTimestampMillis));
    if (startOffset < 0) {
      startOffset = offset;
      firstTimestamp = Instant.ofEpochMilli(kafkaTimestampMillis);
    }
    endOffset = offset;
    rows++;
    if (updatedAtPosition >= 0 && value.get(updatedAtPosition) instanceof Long updated) {
      minUpdatedAt = minUpdatedAt == null ? updated : Math.min(minUpdatedAt, updated);
      maxUpdatedAt = maxUpdatedAt == null ? updated : Math.max(maxUpdatedAt, updated);
    }
  }

  public long rows() {
    return rows;
  }

  /** Bytes written plus buffered so far: what the rotation policy's byte limit looks at. */
  public long bytes() {
    return parquet.getDataSize();
  }

  /**
   * Finishes the file and describes it. The local file stays until the caller uploads and deletes
   * it.
   */
  public WrittenFile complete() throws IOException {
    if (rows == 0) {
      throw new IllegalStateException("an empty Bronze file is never completed; abort it instead");
    }
    closed = true;
    parquet.close();
    return new WrittenFile(
        localFile,
        new BronzeObjectKey(keyPrefix, topic, partition, startOffset, firstTimestamp).key(),
        partition,
        startOffset,
        endOffset,
        rows,
        Files.size(localFile),
        sha256(localFile),
        Long.toHexString(SchemaNormalization.parsingFingerprint64(writerSchema)),
        Optional.ofNullable(minUpdatedAt).map(Instant::ofEpochMilli),
        Optional.ofNullable(maxUpdatedAt).map(Instant::ofEpochMilli));
  }

  /** Drops the file: nothing of it is kept. */
  public void abort() throws IOException {
    close();
    Files.deleteIfExists(localFile);
  }

  @Override
  public void close() throws IOException {
    if (!closed) {
      closed = true;
      parquet.close();
    }
  }

  static String sha256(Path file) throws IOException {
    try (InputStream in =
        new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
      byte[] buffer = new byte[64 * 1024];
      while (in.read(buffer) >= 0) {
        // reading feeds the digest
      }
      return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
