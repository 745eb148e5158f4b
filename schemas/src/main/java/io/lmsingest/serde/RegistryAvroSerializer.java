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
  private BinaryEncoder reusableEncoder;

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
      reusableEncoder = EncoderFactory.get().binaryEncoder(out, reusableEncoder);
      writerFor(record, schema).write(record, reusableEncoder);
      reusableEncoder.flush();
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

  private static DatumWriter<IndexedRecord> writerFor(IndexedRecord record, Schema schema) {
    // Generated classes carry logical-type conversions (Instant) that the generic writer lacks.
    return record instanceof SpecificRecord
        ? new SpecificDatumWriter<>(schema, SpecificData.getForSchema(schema))
        : new GenericDatumWriter<>(schema, GenericData.get());
  }
}
