package io.lmsingest.serde;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lmsingest.schemas.TrustedContracts;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads Avro in the Confluent wire format. The writer schema comes from the registry by id; the
 * reader schema is the generated class's (specific mode), a configured schema, or the writer's own,
 * so a consumer on a newer schema reads records written with an older one.
 */
public class RegistryAvroDeserializer<T> implements Deserializer<T> {
  private static final ObjectMapper JSON = new ObjectMapper();

  static {
    TrustedContracts.register();
  }

  private SchemaRegistryClient registry;
  private boolean specific;
  private Optional<Schema> readerSchema = Optional.empty();
  private boolean utf8Strings;
  private final Map<Integer, DatumReader<Object>> readersByWriterId = new ConcurrentHashMap<>();

  /** One per thread: Kafka Streams shares a source's deserializer between its stream threads. */
  private final ThreadLocal<BinaryDecoder> decoders = new ThreadLocal<>();

  public RegistryAvroDeserializer() {}

  /** For callers that share one client (and its cache) between serde instances. */
  public RegistryAvroDeserializer(SchemaRegistryClient registry) {
    this.registry = registry;
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    RegistrySerdeConfig config = RegistrySerdeConfig.from(configs);
    if (registry == null) {
      registry = SchemaRegistryClient.from(config);
    }
    specific = config.specificAvroReader();
    utf8Strings = config.genericUtf8Strings();
    if (config.specificValueType().isPresent()) {
      readerSchema = Optional.of(schemaOfGeneratedClass(config.specificValueType().get()));
    } else if (config.readerSchema().isPresent()) {
      try {
        readerSchema = Optional.of(new Schema.Parser().parse(config.readerSchema().get()));
      } catch (RuntimeException e) {
        throw new ConfigException(
            RegistrySerdeConfig.AVRO_READER_SCHEMA
                + " is not a valid Avro schema: "
                + e.getMessage());
      }
    }
    if (utf8Strings && !specific) {
      // The reader schema's hint decides a resolved string's class, so it goes too.
      readerSchema = readerSchema.map(RegistryAvroDeserializer::withoutJavaStringHints);
    }
  }

  @Override
  @SuppressWarnings("unchecked")
  public T deserialize(String topic, byte[] payload) {
    if (payload == null) {
      return null;
    }
    if (registry == null) {
      throw new IllegalStateException("RegistryAvroDeserializer used before configure()");
    }
    int id = WireFormat.schemaId(topic, payload);
    DatumReader<Object> reader;
    try {
      reader = readersByWriterId.computeIfAbsent(id, this::readerFor);
    } catch (SchemaRegistryException e) {
      throw new SerializationException(
          "cannot resolve schema id "
              + id
              + " of a record on topic '"
              + topic
              + "': "
              + e.getMessage(),
          e);
    }
    try {
      BinaryDecoder decoder =
          DecoderFactory.get()
              .binaryDecoder(
                  payload,
                  WireFormat.HEADER_SIZE,
                  payload.length - WireFormat.HEADER_SIZE,
                  decoders.get());
      decoders.set(decoder);
      return (T) reader.read(null, decoder);
    } catch (IOException | RuntimeException e) {
      throw new SerializationException(
          "cannot decode a record on topic '" + topic + "' with writer schema id " + id + ": " + e,
          e);
    }
  }

  private DatumReader<Object> readerFor(int writerId) {
    Schema writer = registry.schemaById(writerId);
    if (specific) {
      Schema reader = readerSchema.orElseGet(() -> schemaOfGeneratedClass(writer.getFullName()));
      return new SpecificDatumReader<>(writer, reader, SpecificData.getForSchema(reader));
    }
    if (readerSchema.isEmpty() && utf8Strings) {
      // The encoding does not depend on the hint, so the stripped schema reads the writer's bytes
      // as they are, without a resolution step.
      Schema plain = withoutJavaStringHints(writer);
      return new GenericDatumReader<>(plain, plain, GenericData.get());
    }
    return new GenericDatumReader<>(writer, readerSchema.orElse(writer), GenericData.get());
  }

  /** The schema without {@code avro.java.string} properties: its strings read as {@code Utf8}. */
  static Schema withoutJavaStringHints(Schema schema) {
    try {
      JsonNode tree = JSON.readTree(schema.toString());
      dropJavaStringHints(tree);
      return new Schema.Parser().parse(JSON.writeValueAsString(tree));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Avro printed a schema that is not JSON: " + e, e);
    }
  }

  private static void dropJavaStringHints(JsonNode node) {
    if (node instanceof ObjectNode object) {
      object.remove(GenericData.STRING_PROP);
    }
    node.forEach(RegistryAvroDeserializer::dropJavaStringHints);
  }

  private static Schema schemaOfGeneratedClass(String className) {
    try {
      Class<?> type =
          Class.forName(className, true, Thread.currentThread().getContextClassLoader());
      if (!SpecificRecord.class.isAssignableFrom(type)) {
        throw new SerializationException(
            className + " is not a generated Avro SpecificRecord class");
      }
      return SpecificData.get().getSchema(type);
    } catch (ClassNotFoundException e) {
      throw new SerializationException(
          "no generated Avro class " + className + " on the class path for the specific reader", e);
    }
  }
}
