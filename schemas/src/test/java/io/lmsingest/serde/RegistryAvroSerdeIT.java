package io.lmsingest.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lmsingest.localstack.Ports;
import io.lmsingest.schemas.LearnerActivity;
import io.lmsingest.testkit.IntegrationTest;
import io.lmsingest.testkit.RegistryFixture;
import io.lmsingest.testkit.RegistryProxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.util.Utf8;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

@IntegrationTest
class RegistryAvroSerdeIT {
  private static final String NEWER_SCHEMA_FIELD =
      "{\"name\":\"grade_band\",\"type\":[\"null\",\"string\"],\"default\":null}";

  static LearnerActivity activity(String id) {
    return LearnerActivity.newBuilder()
        .setActivityId(id)
        .setLearnerId("learner-1")
        .setCourseId("course-9")
        .setActivityType("quiz_submitted")
        .setActivityTimestamp(Instant.parse("2026-11-20T10:15:30.123Z"))
        .setUpdatedAt(Instant.parse("2026-11-20T10:16:00Z"))
        .setStatus("completed")
        .setScore(87.5)
        .setDurationSeconds(312)
        .setSessionId("s-1")
        .setAttributes(Map.of("device", "mobile"))
        .build();
  }

  private static String topic() {
    return "serde-" + UUID.randomUUID();
  }

  private static <T> RegistryAvroDeserializer<T> deserializer(Map<String, Object> config) {
    RegistryAvroDeserializer<T> deserializer = new RegistryAvroDeserializer<>();
    deserializer.configure(config, false);
    return deserializer;
  }

  @Test
  void specificRecordRoundTripsThroughTheRegistry(RegistryFixture registry) {
    String topic = topic();
    RegistryAvroSerializer<LearnerActivity> serializer = new RegistryAvroSerializer<>();
    serializer.configure(registry.serdeConfig(), false);
    Map<String, Object> readConfig = registry.serdeConfig();
    readConfig.put(RegistrySerdeConfig.SPECIFIC_AVRO_READER, "true");

    LearnerActivity original = activity("a-1");
    byte[] bytes = serializer.serialize(topic, original);
    LearnerActivity read =
        RegistryAvroSerdeIT.<LearnerActivity>deserializer(readConfig).deserialize(topic, bytes);

    assertThat(read).isEqualTo(original);
    assertThat(read.getActivityTimestamp()).isEqualTo(Instant.parse("2026-11-20T10:15:30.123Z"));
  }

  @Test
  void genericRecordsCarryUtf8StringsWhenAsked(RegistryFixture registry) {
    String topic = topic();
    RegistryAvroSerializer<LearnerActivity> serializer = new RegistryAvroSerializer<>();
    serializer.configure(registry.serdeConfig(), false);
    byte[] bytes = serializer.serialize(topic, activity("a-utf8-\u00e9"));
    Map<String, Object> utf8Config = registry.serdeConfig();
    utf8Config.put(RegistrySerdeConfig.GENERIC_UTF8_STRINGS, "true");

    GenericRecord asStrings =
        RegistryAvroSerdeIT.<GenericRecord>deserializer(registry.serdeConfig())
            .deserialize(topic, bytes);
    GenericRecord asUtf8 =
        RegistryAvroSerdeIT.<GenericRecord>deserializer(utf8Config).deserialize(topic, bytes);

    // The registered schema says avro.java.string=String (the generated class's): by default the
    // generic reader follows it.
    assertThat(asStrings.get("activity_id")).isInstanceOf(String.class);
    assertThat(asUtf8.get("activity_id")).isInstanceOf(Utf8.class);
    assertThat(((Map<?, ?>) asUtf8.get("attributes")).keySet())
        .allSatisfy(k -> assertThat(k).isInstanceOf(Utf8.class));
    assertThat(asUtf8.get("status")).isInstanceOf(Utf8.class);
    for (Schema.Field field : asStrings.getSchema().getFields()) {
      assertThat(String.valueOf(asUtf8.get(field.pos())))
          .as(field.name())
          .isEqualTo(String.valueOf(asStrings.get(field.pos())));
    }
    assertThat(asUtf8.getSchema().toString()).doesNotContain(GenericData.STRING_PROP);
    // Same structure: the Parsing Canonical Form leaves the hint out.
    assertThat(SchemaNormalization.parsingFingerprint64(asUtf8.getSchema()))
        .isEqualTo(SchemaNormalization.parsingFingerprint64(asStrings.getSchema()));

    // A configured reader schema with the String hint does not undo the key.
    Map<String, Object> withReader = registry.serdeConfig();
    withReader.put(
        RegistrySerdeConfig.AVRO_READER_SCHEMA, LearnerActivity.getClassSchema().toString());
    GenericRecord readAsStrings =
        RegistryAvroSerdeIT.<GenericRecord>deserializer(withReader).deserialize(topic, bytes);
    withReader.put(RegistrySerdeConfig.GENERIC_UTF8_STRINGS, "true");
    GenericRecord readAsUtf8 =
        RegistryAvroSerdeIT.<GenericRecord>deserializer(withReader).deserialize(topic, bytes);
    assertThat(readAsStrings.get("activity_id")).isInstanceOf(String.class);
    assertThat(readAsUtf8.get("activity_id")).isInstanceOf(Utf8.class);
    assertThat(readAsUtf8.get("status")).isInstanceOf(Utf8.class);
    assertThat(((Map<?, ?>) readAsUtf8.get("attributes")).keySet())
        .allSatisfy(k -> assertThat(k).isInstanceOf(Utf8.class));
    assertThat(readAsUtf8.toString()).isEqualTo(asStrings.toString());
  }

  /**
   * Kafka Streams hands one sink serializer and one source deserializer to all its stream threads
   * (the validator with {@code kafka.num.stream.threads} > 1), so one instance must serve several
   * threads at once.
   */
  @Test
  void oneSerializerAndOneDeserializerServeSeveralThreadsAtOnce(RegistryFixture registry)
      throws Exception {
    String topic = topic();
    RegistryAvroSerializer<LearnerActivity> serializer = new RegistryAvroSerializer<>();
    serializer.configure(registry.serdeConfig(), false);
    Map<String, Object> readConfig = registry.serdeConfig();
    readConfig.put(RegistrySerdeConfig.SPECIFIC_AVRO_READER, "true");
    RegistryAvroDeserializer<LearnerActivity> deserializer = deserializer(readConfig);
    serializer.serialize(topic, activity("warm-up")); // registered once, before the race

    int threads = 4;
    int perThread = 20_000;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        String prefix = "thread-" + t + "-";
        results.add(
            pool.submit(
                () -> {
                  int mismatches = 0;
                  for (int n = 0; n < perThread; n++) {
                    // Different lengths per thread, so interleaved buffers cannot line up.
                    LearnerActivity original = activity(prefix + "x".repeat(n % 40) + n);
                    LearnerActivity read =
                        deserializer.deserialize(topic, serializer.serialize(topic, original));
                    if (!original.equals(read)) {
                      mismatches++;
                    }
                  }
                  return mismatches;
                }));
      }
      for (Future<Integer> result : results) {
        assertThat(result.get(2, TimeUnit.MINUTES)).as("records that did not round-trip").isZero();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void wireFormatIsReadableByAPlainAvroDecoderWithTheSchemaFromTheRegistry(RegistryFixture registry)
      throws Exception {
    String topic = topic();
    RegistryAvroSerializer<LearnerActivity> serializer = new RegistryAvroSerializer<>();
    serializer.configure(registry.serdeConfig(), false);
    byte[] bytes = serializer.serialize(topic, activity("a-2"));

    assertThat(bytes[0]).isEqualTo((byte) 0);
    int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(registry.url() + "/schemas/ids/" + id)).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    Schema fetched =
        new Schema.Parser()
            .parse(new ObjectMapper().readTree(response.body()).get("schema").asText());

    GenericRecord decoded =
        new GenericDatumReader<GenericRecord>(fetched)
            .read(
                null,
                DecoderFactory.get()
                    .binaryDecoder(Arrays.copyOfRange(bytes, 5, bytes.length), null));
    assertThat(decoded.get("activity_id").toString()).isEqualTo("a-2");
    assertThat(decoded.get("score")).isEqualTo(87.5);
    assertThat(decoded.get("activity_timestamp"))
        .isEqualTo(Instant.parse("2026-11-20T10:15:30.123Z").toEpochMilli());
    // Registered under the TopicNameStrategy subject.
    assertThat(
            SchemaRegistryClient.from(RegistrySerdeConfig.from(registry.serdeConfig()))
                .versions(topic + "-value"))
        .hasSize(1);
  }

  @Test
  void consumerOnANewerSchemaReadsRecordsWrittenWithTheOlderOne(RegistryFixture registry) {
    String topic = topic();
    RegistryAvroSerializer<LearnerActivity> oldWriter = new RegistryAvroSerializer<>();
    oldWriter.configure(registry.serdeConfig(), false);
    byte[] oldBytes = oldWriter.serialize(topic, activity("a-3"));

    Schema newer = withField(LearnerActivity.getClassSchema(), NEWER_SCHEMA_FIELD);
    GenericRecord newRecord = new GenericData.Record(newer);
    LearnerActivity base = activity("a-4");
    for (Schema.Field field : LearnerActivity.getClassSchema().getFields()) {
      newRecord.put(
          field.name(), GenericData.get().deepCopy(field.schema(), genericValue(base, field)));
    }
    newRecord.put("grade_band", "B");
    RegistryAvroSerializer<GenericRecord> newWriter = new RegistryAvroSerializer<>();
    newWriter.configure(registry.serdeConfig(), false);
    byte[] newBytes = newWriter.serialize(topic, newRecord);

    Map<String, Object> readConfig = registry.serdeConfig();
    readConfig.put(RegistrySerdeConfig.AVRO_READER_SCHEMA, newer.toString());
    RegistryAvroDeserializer<GenericRecord> reader = deserializer(readConfig);

    GenericRecord fromOld = reader.deserialize(topic, oldBytes);
    GenericRecord fromNew = reader.deserialize(topic, newBytes);
    assertThat(fromOld.get("activity_id").toString()).isEqualTo("a-3");
    assertThat(fromOld.get("grade_band")).as("default of the added field").isNull();
    assertThat(fromNew.get("grade_band").toString()).isEqualTo("B");
    assertThat(ByteBuffer.wrap(newBytes, 1, 4).getInt())
        .as("the evolved schema got its own id")
        .isNotEqualTo(ByteBuffer.wrap(oldBytes, 1, 4).getInt());

    // And a consumer still on the generated (older) class reads the newer record, dropping the
    // field.
    Map<String, Object> specificConfig = registry.serdeConfig();
    specificConfig.put(
        RegistrySerdeConfig.SPECIFIC_AVRO_VALUE_TYPE, LearnerActivity.class.getName());
    LearnerActivity asOld =
        RegistryAvroSerdeIT.<LearnerActivity>deserializer(specificConfig)
            .deserialize(topic, newBytes);
    assertThat(asOld.getActivityId()).isEqualTo("a-4");
  }

  @Test
  void incompatibleSchemaChangeIsRefusedByTheRegistryWithAClearError(RegistryFixture registry)
      throws Exception {
    String topic = topic();
    RegistryAvroSerializer<LearnerActivity> serializer = new RegistryAvroSerializer<>();
    serializer.configure(registry.serdeConfig(), false);
    serializer.serialize(topic, activity("a-5"));
    // Ask the registry to enforce BACKWARD on this subject, then try a breaking change.
    HttpResponse<String> set =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(registry.url() + "/config/" + topic + "-value"))
                    .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                    .PUT(HttpRequest.BodyPublishers.ofString("{\"compatibility\":\"BACKWARD\"}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
    Schema breaking =
        withField(
            LearnerActivity.getClassSchema(), "{\"name\":\"required_new\",\"type\":\"string\"}");
    GenericRecord record = new GenericData.Record(breaking);
    LearnerActivity base = activity("a-6");
    for (Schema.Field field : LearnerActivity.getClassSchema().getFields()) {
      record.put(field.name(), genericValue(base, field));
    }
    record.put("required_new", "x");
    RegistryAvroSerializer<GenericRecord> breakingWriter = new RegistryAvroSerializer<>();
    breakingWriter.configure(registry.serdeConfig(), false);

    assertThatThrownBy(() -> breakingWriter.serialize(topic, record))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining(topic + "-value")
        .hasMessageContaining("409");
  }

  @Test
  void withoutAutoRegisterAnUnknownSchemaFailsClearly(RegistryFixture registry) {
    Map<String, Object> config = registry.serdeConfig();
    config.put(RegistrySerdeConfig.AUTO_REGISTER_SCHEMAS, "false");
    RegistryAvroSerializer<LearnerActivity> serializer = new RegistryAvroSerializer<>();
    serializer.configure(config, false);
    String topic = topic();

    assertThatThrownBy(() -> serializer.serialize(topic, activity("a-7")))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("auto.register.schemas=false")
        .hasMessageContaining(topic + "-value");
  }

  @Test
  void unknownSchemaIdAndWrongMagicByteAreClearErrors(RegistryFixture registry) {
    RegistryAvroDeserializer<Object> reader = deserializer(registry.serdeConfig());
    byte[] unknownId = {0, 0x7f, 0, 0, 1, 2, 3};
    assertThatThrownBy(() -> reader.deserialize("t", unknownId))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("schema id " + 0x7f000001)
        .hasMessageContaining("404");

    byte[] json = "{\"activity_id\":1}".getBytes();
    assertThatThrownBy(() -> reader.deserialize("t", json))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("magic byte 0x7b")
        .hasMessageContaining("'t'");

    assertThatThrownBy(() -> reader.deserialize("t", new byte[] {0, 1}))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("fewer than the 5-byte");
  }

  @Test
  void unreachableRegistryIsNamedInTheError() {
    int closedPort = Ports.free();
    Map<String, Object> config = new HashMap<>();
    config.put(RegistrySerdeConfig.SCHEMA_REGISTRY_URL, "http://127.0.0.1:" + closedPort);
    config.put(RegistrySerdeConfig.BASIC_AUTH_USER_INFO, "svc:canary-Secret-123");
    RegistryAvroSerializer<LearnerActivity> serializer = new RegistryAvroSerializer<>();
    serializer.configure(config, false);

    assertThatThrownBy(() -> serializer.serialize("t", activity("a-8")))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("127.0.0.1:" + closedPort)
        .hasMessageContaining("unreachable")
        .message()
        .doesNotContain("canary-Secret-123");

    // Credentials in the URL itself never reach a message either.
    config.put(
        RegistrySerdeConfig.SCHEMA_REGISTRY_URL,
        "http://svc:canary-Url-Secret-9@127.0.0.1:" + closedPort);
    config.remove(RegistrySerdeConfig.BASIC_AUTH_USER_INFO);
    RegistryAvroSerializer<LearnerActivity> withUrlCredentials = new RegistryAvroSerializer<>();
    withUrlCredentials.configure(config, false);
    assertThatThrownBy(() -> withUrlCredentials.serialize("t", activity("a-9")))
        .hasMessageContaining("http://127.0.0.1:" + closedPort)
        .message()
        .doesNotContain("canary-Url-Secret-9");
  }

  @Test
  void idsAndSchemasAreCachedSoTheRegistryIsAskedOncePerSchema(RegistryFixture registry)
      throws Exception {
    try (RegistryProxy forwarder = new RegistryProxy(registry.url(), Optional.empty())) {
      Map<String, Object> config = new HashMap<>();
      config.put(RegistrySerdeConfig.SCHEMA_REGISTRY_URL, forwarder.url());
      config.put(RegistrySerdeConfig.SPECIFIC_AVRO_READER, "true");
      RegistryAvroSerializer<LearnerActivity> serializer = new RegistryAvroSerializer<>();
      serializer.configure(config, false);
      RegistryAvroDeserializer<LearnerActivity> deserializer = deserializer(config);
      String topic = topic();

      for (int i = 0; i < 50; i++) {
        byte[] bytes = serializer.serialize(topic, activity("c-" + i));
        assertThat(deserializer.deserialize(topic, bytes).getActivityId()).isEqualTo("c-" + i);
      }
      assertThat(forwarder.requests())
          .as("one register + one id lookup for 50 round trips")
          .isEqualTo(2);
    }
  }

  private static Object genericValue(LearnerActivity activity, Schema.Field field) {
    Object value = activity.get(field.pos());
    return value instanceof Instant instant ? instant.toEpochMilli() : value;
  }

  private static Schema withField(Schema schema, String fieldJson) {
    String json = schema.toString();
    int fieldsEnd = json.lastIndexOf(']');
    return new Schema.Parser()
        .parse(json.substring(0, fieldsEnd) + "," + fieldJson + json.substring(fieldsEnd));
  }
}
