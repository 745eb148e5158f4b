package io.lmsingest.serde;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.avro.Conversion;
import org.apache.avro.Conversions;
import org.apache.avro.LogicalType;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.Encoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;

/**
 * Writes the records of one flat schema with a writer per field chosen once, when the schema is
 * first seen. Avro's own writer decides again for every field of every record (union branch by
 * schema name, logical-type conversion by class, map entries through generic accessors); that was
 * most of the poller's and a third of the validator's encoding time (BENCHMARKS.md).
 *
 * <p>The bytes are Avro's own: a field of a shape planned here (primitives, string maps, and unions
 * of null and one primitive) is written with the same {@link Encoder} calls Avro makes, and
 * anything else (a nested record, an enum, a value of an unexpected Java type, a null where none is
 * allowed) goes to Avro's writer for that field's schema, which writes it or fails as it always
 * has. {@code PlannedRecordWriterTest} compares the two byte for byte.
 */
final class PlannedRecordWriter implements DatumWriter<IndexedRecord> {
  private final FieldWriter[] fields;

  private PlannedRecordWriter(FieldWriter[] fields) {
    this.fields = fields;
  }

  /** The writer for records of {@code schema}: planned for a record schema, Avro's otherwise. */
  static DatumWriter<IndexedRecord> of(Schema schema, GenericData model) {
    if (schema.getType() != Schema.Type.RECORD) {
      return avroWriter(schema, model);
    }
    List<Schema.Field> schemaFields = schema.getFields();
    FieldWriter[] fields = new FieldWriter[schemaFields.size()];
    for (Schema.Field field : schemaFields) {
      fields[field.pos()] = plan(field.schema(), model);
    }
    return new PlannedRecordWriter(fields);
  }

  @Override
  public void setSchema(Schema schema) {
    throw new UnsupportedOperationException("a planned writer is bound to its schema");
  }

  @Override
  public void write(IndexedRecord record, Encoder out) throws IOException {
    for (int i = 0; i < fields.length; i++) {
      fields[i].write(record.get(i), out);
    }
  }

  private static <T> DatumWriter<T> avroWriter(Schema schema, GenericData model) {
    return model instanceof SpecificData specific
        ? new SpecificDatumWriter<>(schema, specific)
        : new GenericDatumWriter<>(schema, model);
  }

  /** Writes one field's value. */
  private interface FieldWriter {
    void write(Object value, Encoder out) throws IOException;
  }

  private static FieldWriter plan(Schema schema, GenericData model) {
    DatumWriter<Object> avro = avroWriter(schema, model);
    FieldWriter byAvro = avro::write;
    return switch (schema.getType()) {
      case NULL, BOOLEAN, INT, LONG, FLOAT, DOUBLE, STRING, BYTES -> single(schema, model, byAvro);
      case MAP -> map(schema.getValueType(), byAvro);
      case UNION -> nullable(schema, byAvro);
      default -> byAvro; // records, enums, arrays, fixed: as Avro writes them
    };
  }

  /**
   * A primitive, converted first when it carries a logical type the model converts (an {@code
   * Instant} for timestamp-millis in generated classes), as Avro does for a value of the converted
   * class.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static FieldWriter single(Schema schema, GenericData model, FieldWriter byAvro) {
    Primitive raw = primitiveOrNull(schema.getType());
    LogicalType logicalType = schema.getLogicalType();
    Conversion conversion = logicalType == null ? null : model.getConversionFor(logicalType);
    if (conversion == null) {
      return (value, out) -> {
        if (!raw.write(value, out)) {
          byAvro.write(value, out);
        }
      };
    }
    Class<?> converted = conversion.getConvertedType();
    return (value, out) -> {
      Object rawValue =
          converted.isInstance(value)
              ? Conversions.convertToRawType(value, schema, logicalType, conversion)
              : value;
      if (!raw.write(rawValue, out)) {
        byAvro.write(value, out);
      }
    };
  }

  /** A map whose values are a primitive without a logical type; keys are written as Avro does. */
  private static FieldWriter map(Schema valueType, FieldWriter byAvro) {
    Primitive values =
        valueType.getLogicalType() == null ? primitiveOrNull(valueType.getType()) : null;
    if (values == null) {
      return byAvro;
    }
    return (value, out) -> {
      if (!(value instanceof Map<?, ?> map) || !allWritable(map, values)) {
        byAvro.write(value, out);
        return;
      }
      int size = map.size();
      out.writeMapStart();
      out.setItemCount(size);
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        out.startItem();
        out.writeString(entry.getKey().toString());
        values.write(entry.getValue(), out);
      }
      out.writeMapEnd();
    };
  }

  /**
   * Checked before the first byte, so that a map Avro would refuse (a null key or value) is refused
   * by Avro's writer with its own message, not half written here.
   */
  private static boolean allWritable(Map<?, ?> map, Primitive values) {
    for (Map.Entry<?, ?> entry : map.entrySet()) {
      if (entry.getKey() == null || !values.accepts(entry.getValue())) {
        return false;
      }
    }
    return true;
  }

  /** A union of null and one primitive without a logical type, in either order. */
  private static FieldWriter nullable(Schema union, FieldWriter byAvro) {
    List<Schema> branches = union.getTypes();
    if (branches.size() != 2) {
      return byAvro;
    }
    int nullIndex = branches.get(0).getType() == Schema.Type.NULL ? 0 : 1;
    Schema other = branches.get(1 - nullIndex);
    Primitive value = other.getLogicalType() == null ? primitiveOrNull(other.getType()) : null;
    if (branches.get(nullIndex).getType() != Schema.Type.NULL
        || other.getType() == Schema.Type.NULL
        || value == null) {
      return byAvro;
    }
    int valueIndex = 1 - nullIndex;
    return (datum, out) -> {
      if (datum == null) {
        out.writeIndex(nullIndex);
        out.writeNull();
      } else if (value.accepts(datum)) {
        out.writeIndex(valueIndex);
        value.write(datum, out);
      } else {
        byAvro.write(datum, out); // Avro resolves the branch, or says why there is none
      }
    };
  }

  /** Writes a value of its exact Java type and says so; leaves anything else to Avro. */
  private interface Primitive {
    boolean accepts(Object value);

    /** Writes {@code value} if it {@link #accepts} it; returns whether it did. */
    default boolean write(Object value, Encoder out) throws IOException {
      if (!accepts(value)) {
        return false;
      }
      writeAccepted(value, out);
      return true;
    }

    void writeAccepted(Object value, Encoder out) throws IOException;
  }

  private static Primitive primitiveOrNull(Schema.Type type) {
    return switch (type) {
      case NULL -> of(v -> v == null, (v, out) -> out.writeNull());
      case BOOLEAN -> of(Boolean.class, (v, out) -> out.writeBoolean((Boolean) v));
      case INT -> of(Integer.class, (v, out) -> out.writeInt((Integer) v));
      case LONG -> of(Long.class, (v, out) -> out.writeLong((Long) v));
      case FLOAT -> of(Float.class, (v, out) -> out.writeFloat((Float) v));
      case DOUBLE -> of(Double.class, (v, out) -> out.writeDouble((Double) v));
      case STRING -> of(CharSequence.class, (v, out) -> out.writeString((CharSequence) v));
      case BYTES -> of(ByteBuffer.class, (v, out) -> out.writeBytes((ByteBuffer) v));
      default -> null;
    };
  }

  private interface Write {
    void write(Object value, Encoder out) throws IOException;
  }

  private static Primitive of(Class<?> type, Write write) {
    return of(type::isInstance, write);
  }

  private static Primitive of(Predicate<Object> accepts, Write write) {
    return new Primitive() {
      @Override
      public boolean accepts(Object value) {
        return accepts.test(value);
      }

      @Override
      public void writeAccepted(Object value, Encoder out) throws IOException {
        write.write(value, out);
      }
    };
  }
}
