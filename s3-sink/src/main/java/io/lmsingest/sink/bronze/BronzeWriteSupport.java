package io.lmsingest.sink.bronze;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.util.Utf8;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroSchemaConverter;
import org.apache.parquet.avro.AvroWriteSupport;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.MessageType;

/**
 * Writes a record and its three lineage columns to Parquet with one writer per column, chosen once
 * per schema. parquet-avro's {@code AvroWriteSupport} decides every value's type again (union
 * resolution, logical-type lookups) and needs a copy of the record with the lineage added. Measured
 * alone that is within the noise; together with the sink's {@code Utf8} strings, whose bytes go to
 * Parquet as they are, the sink uses ~5–8 % less CPU (BENCHMARKS.md). The file is the one
 * parquet-avro would write: the same Parquet schema (from {@link AvroSchemaConverter}), the same
 * Avro schema in the footer. Only flat records of primitives, optional primitives and maps of them
 * are compiled ({@link #supports}); anything else stays with parquet-avro.
 */
final class BronzeWriteSupport extends WriteSupport<BronzeWriteSupport.Row> {
  /** One record to write: the value and where it came from in Kafka. */
  record Row(GenericRecord value, int partition, long offset, long kafkaTimestampMillis) {}

  private static final String AVRO_SCHEMA_KEY = "parquet.avro.schema";

  /**
   * The Bronze schema is the value's fields, then this many lineage columns (partition, offset,
   * timestamp).
   */
  private static final int LINEAGE_COLUMNS = 3;

  /** Writes one non-null value of one column (the caller starts and ends the field). */
  private interface ValueWriter {
    void write(RecordConsumer consumer, Object value);
  }

  private final Schema bronzeSchema;
  private final MessageType parquetSchema;
  private final String[] names;
  private final ValueWriter[] writers;
  private final boolean[] optional;
  private final int lineageStart;
  private RecordConsumer consumer;

  BronzeWriteSupport(Schema bronzeSchema) {
    this.bronzeSchema = bronzeSchema;
    this.parquetSchema = new AvroSchemaConverter().convert(bronzeSchema);
    List<Schema.Field> fields = bronzeSchema.getFields();
    this.names = new String[fields.size()];
    this.writers = new ValueWriter[fields.size()];
    this.optional = new boolean[fields.size()];
    for (Schema.Field field : fields) {
      names[field.pos()] = field.name();
      optional[field.pos()] = field.schema().isNullable();
      writers[field.pos()] =
          valueWriter(field.schema())
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "column "
                              + field.name()
                              + " has a type the Bronze writer does not compile"));
    }
    this.lineageStart = fields.size() - LINEAGE_COLUMNS;
  }

  /** A Parquet writer of Bronze rows through this compiled write support. */
  static ParquetWriter.Builder<Row, ?> compiled(OutputFile file, Schema bronzeSchema) {
    return new Builder(file, () -> new BronzeWriteSupport(bronzeSchema));
  }

  /**
   * A Parquet writer of Bronze rows through parquet-avro's generic write support: each row copied
   * into a record of the Bronze schema. For schemas {@link #supports} refuses.
   */
  static ParquetWriter.Builder<Row, ?> generic(OutputFile file, Schema bronzeSchema) {
    return new Builder(file, () -> new GenericRows(bronzeSchema));
  }

  private static final class Builder extends ParquetWriter.Builder<Row, Builder> {
    private final Supplier<WriteSupport<Row>> support;

    Builder(OutputFile file, Supplier<WriteSupport<Row>> support) {
      super(file);
      this.support = support;
    }

    @Override
    protected Builder self() {
      return this;
    }

    @Override
    protected WriteSupport<Row> getWriteSupport(Configuration configuration) {
      return support.get();
    }

    @Override
    protected WriteSupport<Row> getWriteSupport(ParquetConfiguration configuration) {
      return support.get();
    }
  }

  /** parquet-avro's write support behind the Bronze row: the lineage added by copying. */
  private static final class GenericRows extends WriteSupport<Row> {
    private final Schema bronzeSchema;
    private final AvroWriteSupport<GenericRecord> avro;

    GenericRows(Schema bronzeSchema) {
      this.bronzeSchema = bronzeSchema;
      this.avro =
          new AvroWriteSupport<>(
              new AvroSchemaConverter().convert(bronzeSchema), bronzeSchema, GenericData.get());
    }

    @Override
    public WriteContext init(Configuration configuration) {
      return avro.init(configuration);
    }

    @Override
    public WriteContext init(ParquetConfiguration configuration) {
      return avro.init(configuration);
    }

    @Override
    public String getName() {
      return avro.getName();
    }

    @Override
    public void prepareForWrite(RecordConsumer recordConsumer) {
      avro.prepareForWrite(recordConsumer);
    }

    @Override
    public void write(Row row) {
      GenericData.Record copy = new GenericData.Record(bronzeSchema);
      int fields = bronzeSchema.getFields().size() - LINEAGE_COLUMNS;
      for (int i = 0; i < fields; i++) {
        copy.put(i, row.value().get(i));
      }
      copy.put(fields, row.partition());
      copy.put(fields + 1, row.offset());
      copy.put(fields + 2, row.kafkaTimestampMillis());
      avro.write(copy);
    }
  }

  /** Whether every column of the schema has a compiled writer. */
  static boolean supports(Schema bronzeSchema) {
    return bronzeSchema.getFields().stream().allMatch(f -> valueWriter(f.schema()).isPresent());
  }

  private static Optional<ValueWriter> valueWriter(Schema schema) {
    switch (schema.getType()) {
      case UNION:
        List<Schema> branches = schema.getTypes();
        if (branches.size() == 2 && branches.get(0).getType() == Schema.Type.NULL) {
          return primitive(branches.get(1));
        }
        if (branches.size() == 2 && branches.get(1).getType() == Schema.Type.NULL) {
          return primitive(branches.get(0));
        }
        return Optional.empty();
      case MAP:
        return primitive(schema.getValueType()).map(BronzeWriteSupport::mapWriter);
      default:
        return primitive(schema);
    }
  }

  private static Optional<ValueWriter> primitive(Schema schema) {
    return Optional.ofNullable(
        switch (schema.getType()) {
          case STRING, ENUM -> (c, v) -> c.addBinary(utf8(v));
          case LONG -> (c, v) -> c.addLong((Long) v);
          case INT -> (c, v) -> c.addInteger((Integer) v);
          case DOUBLE -> (c, v) -> c.addDouble((Double) v);
          case FLOAT -> (c, v) -> c.addFloat((Float) v);
          case BOOLEAN -> (c, v) -> c.addBoolean((Boolean) v);
          default -> null;
        });
  }

  /**
   * A string's UTF-8 bytes: a {@link Utf8}'s own (the sink reads strings as Utf8), others encoded.
   * Parquet copies a value it keeps (a dictionary entry), so the bytes need not outlive the call.
   */
  private static Binary utf8(Object value) {
    return value instanceof Utf8 u
        ? Binary.fromReusedByteArray(u.getBytes(), 0, u.getByteLength())
        : Binary.fromString(value.toString());
  }

  /** A map as parquet-avro writes it: a group holding repeated key_value groups. */
  private static ValueWriter mapWriter(ValueWriter values) {
    return (c, v) -> {
      Map<?, ?> map = (Map<?, ?>) v;
      c.startGroup();
      if (!map.isEmpty()) {
        c.startField("key_value", 0);
        for (Map.Entry<?, ?> entry : map.entrySet()) {
          c.startGroup();
          c.startField("key", 0);
          c.addBinary(utf8(entry.getKey()));
          c.endField("key", 0);
          if (entry.getValue() != null) {
            c.startField("value", 1);
            values.write(c, entry.getValue());
            c.endField("value", 1);
          }
          c.endGroup();
        }
        c.endField("key_value", 0);
      }
      c.endGroup();
    };
  }

  @Override
  public WriteContext init(Configuration configuration) {
    return context();
  }

  @Override
  public WriteContext init(ParquetConfiguration configuration) {
    return context();
  }

  private WriteContext context() {
    Map<String, String> footer = new HashMap<>();
    footer.put(AVRO_SCHEMA_KEY, bronzeSchema.toString());
    return new WriteContext(parquetSchema, footer);
  }

  @Override
  public String getName() {
    return "avro"; // the data model the file follows, as parquet-avro names it
  }

  @Override
  public void prepareForWrite(RecordConsumer recordConsumer) {
    this.consumer = recordConsumer;
  }

  @Override
  public void write(Row row) {
    GenericRecord value = row.value();
    consumer.startMessage();
    for (int i = 0; i < lineageStart; i++) {
      Object v = value.get(i);
      if (v != null) {
        consumer.startField(names[i], i);
        writers[i].write(consumer, v);
        consumer.endField(names[i], i);
      } else if (!optional[i]) {
        throw new IllegalArgumentException("null value for the required column " + names[i]);
      }
    }
    int p = lineageStart;
    consumer.startField(names[p], p);
    consumer.addInteger(row.partition());
    consumer.endField(names[p], p);
    consumer.startField(names[p + 1], p + 1);
    consumer.addLong(row.offset());
    consumer.endField(names[p + 1], p + 1);
    consumer.startField(names[p + 2], p + 2);
    consumer.addLong(row.kafkaTimestampMillis());
    consumer.endField(names[p + 2], p + 2);
    consumer.endMessage();
  }
}
