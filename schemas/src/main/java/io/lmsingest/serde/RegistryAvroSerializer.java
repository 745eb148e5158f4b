package io.lmsingest.serde;

import io.lmsingest.schemas.TrustedContracts;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Serializes Avro records (generic or generated) in the Confluent wire format, registering the
 * writer schema under the TopicNameStrategy subject {@code <topic>-value} (or {@code -key}).
 */
public class RegistryAvroSerializer<T extends IndexedRecord> implements Serializer<T> {
  static {
    TrustedContracts.register();
  }

  private SchemaRegistryClient registry;
  private boolean autoRegister;
  private boolean isKey;

  /**
   * One per thread: Kafka Streams shares a sink's serializer between its stream threads, and an
   * encoder holds the bytes of the record it is writing.
   */
  private final ThreadLocal<BinaryEncoder> encoders = new ThreadLocal<>();

  /** The writer of the last schema seen: a generated class's records share one Schema instance. */
  private volatile SchemaWriter lastWriter;

  private record SchemaWriter(Schema schema, boolean specific, DatumWriter<IndexedRecord> writer) {}

  public RegistryAvroSerializer() {}

  /** For callers that share one client (and its cache) between serde instances. */
  public RegistryAvroSerializer(SchemaRegistryClient registry, boolean autoRegister) {
    this.registry = registry;
    this.autoRegister = autoRegister;
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    RegistrySerdeConfig config = RegistrySerdeConfig.from(configs);
    if (registry == null) {
      registry = SchemaRegistryClient.from(config);
    }
    autoRegister = config.autoRegisterSchemas();
    this.isKey = isKey;
  }

  @Override
  public byte[] serialize(String topic, T record) {
    if (record == null) {
      return null; // a tombstone stays a tombstone
    }
    if (registry == null) {
      throw new IllegalStateException("RegistryAvroSerializer used before configure()");
    }
    Schema schema = record.getSchema();
    String subject = topic + (isKey ? "-key" : "-value");
    int id;
    try {
      id = autoRegister ? registry.register(subject, schema) : registry.lookup(subject, schema);
    } catch (SchemaRegistryException e) {
      throw new SerializationException(
          "cannot get a schema id for subject '"
              + subject
              + "' (schema "
              + schema.getFullName()
              + (autoRegister ? "" : ", auto.register.schemas=false")
              + "): "
              + e.getMessage(),
          e);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    out.write(WireFormat.MAGIC_BYTE);
    out.write(id >>> 24);
    out.write(id >>> 16);
    out.write(id >>> 8);
    out.write(id);
    try {
      BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, encoders.get());
      encoders.set(encoder);
      writerFor(record, schema).write(record, encoder);
      encoder.flush();
    } catch (IOException | RuntimeException e) {
      throw new SerializationException(
          "cannot encode a "
              + schema.getFullName()
              + " for topic '"
              + topic
              + "': "
              + e.getMessage(),
          e);
    }
    return out.toByteArray();
  }

  private DatumWriter<IndexedRecord> writerFor(IndexedRecord record, Schema schema) {
    boolean specific = record instanceof SpecificRecord;
    SchemaWriter last = lastWriter;
    if (last == null || last.schema() != schema || last.specific() != specific) {
      // Generated classes carry logical-type conversions (Instant) that the generic writer lacks.
      last =
          new SchemaWriter(
              schema,
              specific,
              specific
                  ? new SpecificDatumWriter<>(schema, SpecificData.getForSchema(schema))
                  : new GenericDatumWriter<>(schema, GenericData.get()));
      lastWriter = last;
    }
    return last.writer();
  }
}
