package io.lmsingest.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.lmsingest.schemas.LearnerActivity;
import io.lmsingest.schemas.TrustedContracts;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.util.Utf8;
import org.junit.jupiter.api.Test;

class PlannedRecordWriterTest {
  static {
    TrustedContracts.register(); // as the serializer does before it builds a writer
  }

  /** Every shape the writer plans, and some it leaves to Avro. */
  static final Schema SHAPES =
      new Schema.Parser()
          .parse(
              """
              {"type": "record", "name": "Shapes", "fields": [
                {"name": "b", "type": "boolean"},
                {"name": "i", "type": "int"},
                {"name": "l", "type": "long"},
                {"name": "f", "type": "float"},
                {"name": "d", "type": "double"},
                {"name": "s", "type": "string"},
                {"name": "by", "type": "bytes"},
                {"name": "nothing", "type": "null"},
                {"name": "day", "type": {"type": "int", "logicalType": "date"}},
                {"name": "stringOrNull", "type": ["string", "null"]},
                {"name": "nullOrLong", "type": ["null", "long"]},
                {"name": "threeWays", "type": ["null", "int", "string"]},
                {"name": "longs", "type": {"type": "map", "values": "long"}},
                {"name": "times", "type": {"type": "map",
                   "values": {"type": "long", "logicalType": "timestamp-millis"}}},
                {"name": "colour", "type": {"type": "enum", "name": "Colour",
                   "symbols": ["RED", "GREEN"]}},
                {"name": "names", "type": {"type": "array", "items": "string"}},
                {"name": "inner", "type": {"type": "record", "name": "Inner", "fields": [
                   {"name": "x", "type": ["null", "string"]}]}}
              ]}
              """);

  @Test
  void generatedRecordsAreWrittenByteForByteAsAvroWritesThem() throws IOException {
    Schema schema = LearnerActivity.getClassSchema();
    SpecificData model = SpecificData.getForSchema(schema);
    DatumWriter<IndexedRecord> planned = PlannedRecordWriter.of(schema, model);
    assertThat(planned).isInstanceOf(PlannedRecordWriter.class);
    DatumWriter<IndexedRecord> avro = new SpecificDatumWriter<>(schema, model);
    Random random = new Random(42);
    for (int n = 0; n < 20_000; n++) {
      LearnerActivity activity = randomActivity(random);
      assertThat(bytes(planned, activity))
          .as("record %d: %s", n, activity)
          .isEqualTo(bytes(avro, activity));
    }
  }

  @Test
  void genericRecordsOfTheSameSchemaToo() throws IOException {
    Schema schema = LearnerActivity.getClassSchema();
    DatumWriter<IndexedRecord> planned = PlannedRecordWriter.of(schema, GenericData.get());
    DatumWriter<IndexedRecord> avro = new GenericDatumWriter<>(schema, GenericData.get());
    Random random = new Random(43);
    for (int n = 0; n < 5_000; n++) {
      LearnerActivity activity = randomActivity(random);
      GenericRecord record = new GenericData.Record(schema);
      for (Schema.Field field : schema.getFields()) {
        Object value = activity.get(field.pos());
        // The generic model has no Instant conversion: timestamps are longs; strings as Utf8.
        record.put(
            field.pos(),
            value instanceof Instant instant
                ? Long.valueOf(instant.toEpochMilli())
                : value instanceof String text && random.nextBoolean() ? new Utf8(text) : value);
      }
      assertThat(bytes(planned, record)).as("record %d", n).isEqualTo(bytes(avro, record));
    }
  }

  @Test
  void everyShapeMatchesAvrosBytesWhetherPlannedOrLeftToAvro() throws IOException {
    DatumWriter<IndexedRecord> planned = PlannedRecordWriter.of(SHAPES, GenericData.get());
    DatumWriter<IndexedRecord> avro = new GenericDatumWriter<>(SHAPES, GenericData.get());
    Random random = new Random(44);
    for (int n = 0; n < 5_000; n++) {
      GenericRecord record = randomShapes(random);
      assertThat(bytes(planned, record))
          .as("record %d: %s", n, record)
          .isEqualTo(bytes(avro, record));
    }
  }

  @Test
  void whatAvroRefusesIsRefusedTheSameWay() throws IOException {
    DatumWriter<IndexedRecord> planned = PlannedRecordWriter.of(SHAPES, GenericData.get());
    DatumWriter<IndexedRecord> avro = new GenericDatumWriter<>(SHAPES, GenericData.get());
    Random random = new Random(45);
    Map<String, Object> wrongValues = new HashMap<>();
    wrongValues.put("s", null); // a null where the schema has none
    wrongValues.put("nullOrLong", 7); // an Integer for a long branch: no branch fits
    wrongValues.put("l", "seven");
    Map<String, Long> nullValue = new HashMap<>();
    nullValue.put("k", null);
    wrongValues.put("longs", nullValue);
    for (Map.Entry<String, Object> wrong : wrongValues.entrySet()) {
      GenericRecord record = randomShapes(random);
      record.put(wrong.getKey(), wrong.getValue());
      Throwable byAvro = catchThrowable(() -> bytes(avro, record));
      assertThat(byAvro).as("Avro refuses %s", wrong).isNotNull();
      assertThatThrownBy(() -> bytes(planned, record))
          .as("planned, for %s", wrong)
          .isInstanceOf(byAvro.getClass());
    }
  }

  @Test
  void aSchemaThatIsNotARecordIsLeftToAvro() {
    Schema map = Schema.createMap(Schema.create(Schema.Type.STRING));
    assertThat(PlannedRecordWriter.of(map, GenericData.get()))
        .isNotInstanceOf(PlannedRecordWriter.class);
  }

  static byte[] bytes(DatumWriter<IndexedRecord> writer, IndexedRecord record) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    writer.write(record, encoder);
    encoder.flush();
    return out.toByteArray();
  }

  static LearnerActivity randomActivity(Random random) {
    Map<String, String> attributes = new HashMap<>();
    for (int i = random.nextInt(4); i > 0; i--) {
      attributes.put(text(random), text(random));
    }
    return LearnerActivity.newBuilder()
        .setActivityId(text(random))
        .setLearnerId(text(random))
        .setCourseId(text(random))
        .setActivityType(text(random))
        .setActivityTimestamp(Instant.ofEpochMilli(random.nextLong() >> 20))
        .setUpdatedAt(Instant.ofEpochMilli(random.nextLong() >> 20))
        .setStatus(random.nextBoolean() ? null : text(random))
        .setScore(random.nextBoolean() ? null : random.nextDouble() * 100)
        .setDurationSeconds(random.nextBoolean() ? null : random.nextInt())
        .setSessionId(random.nextBoolean() ? null : text(random))
        .setAttributes(attributes)
        .setIsDeleted(random.nextBoolean())
        .build();
  }

  static GenericRecord randomShapes(Random random) {
    GenericRecord record = new GenericData.Record(SHAPES);
    record.put("b", random.nextBoolean());
    record.put("i", random.nextInt());
    record.put("l", random.nextLong());
    record.put("f", random.nextFloat());
    record.put("d", random.nextDouble());
    record.put("s", random.nextBoolean() ? text(random) : new Utf8(text(random)));
    byte[] raw = new byte[random.nextInt(20)];
    random.nextBytes(raw);
    record.put("by", ByteBuffer.wrap(raw));
    record.put("nothing", null);
    record.put("day", random.nextInt(40_000));
    record.put("stringOrNull", random.nextBoolean() ? null : text(random));
    record.put("nullOrLong", random.nextBoolean() ? null : random.nextLong());
    record.put(
        "threeWays",
        switch (random.nextInt(3)) {
          case 0 -> null;
          case 1 -> random.nextInt();
          default -> text(random);
        });
    Map<String, Long> longs = new HashMap<>();
    Map<Utf8, Long> times = new HashMap<>();
    for (int i = random.nextInt(5); i > 0; i--) {
      longs.put(text(random), random.nextLong());
      times.put(new Utf8(text(random)), random.nextLong() >> 20);
    }
    record.put("longs", longs);
    record.put("times", times);
    record.put(
        "colour",
        new GenericData.EnumSymbol(
            SHAPES.getField("colour").schema(), random.nextBoolean() ? "RED" : "GREEN"));
    record.put("names", List.of(text(random), text(random)));
    GenericRecord inner = new GenericData.Record(SHAPES.getField("inner").schema());
    inner.put("x", random.nextBoolean() ? null : text(random));
    record.put("inner", inner);
    return record;
  }

  /** Text with some characters outside ASCII and outside the BMP. */
  static String text(Random random) {
    StringBuilder text = new StringBuilder();
    for (int i = random.nextInt(24); i > 0; i--) {
      switch (random.nextInt(6)) {
        case 0 -> text.append('é');
        case 1 -> text.appendCodePoint(0x1F600 + random.nextInt(50));
        default -> text.append((char) ('a' + random.nextInt(26)));
      }
    }
    return text.toString();
  }
}
