package io.lmsingest.validator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lmsingest.kit.metrics.ServiceMetrics;
import io.lmsingest.schemas.LearnerActivity;
import io.lmsingest.schemas.TrustedContracts;
import io.lmsingest.serde.SchemaRegistryException;
import io.lmsingest.serde.WireFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The validator's topology without a broker: every rule sends the record to the DLQ with its
 * original bytes, the rule, a detail and the source coordinates; a valid record goes to v1 as is.
 * (Delivery and exactly-once against a real broker and registry are ValidatorIT's.)
 */
class ValidatorTopologyTest {
  static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");
  static final ValidatorTopology.Topics TOPICS = new ValidatorTopology.Topics("raw", "v1", "dlq");
  static final int SCHEMA_ID = 7;

  TopologyTestDriver driver;
  TestInputTopic<String, byte[]> raw;
  TestOutputTopic<String, byte[]> v1;
  TestOutputTopic<String, byte[]> dlq;
  ServiceMetrics metrics;

  /** The Confluent wire format with one known schema id: the registry's part, in memory. */
  static final class OneSchemaSerde
      implements Serializer<LearnerActivity>, Deserializer<LearnerActivity> {
    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {}

    @Override
    public void close() {}

    @Override
    public byte[] serialize(String topic, LearnerActivity value) {
      try {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(WireFormat.MAGIC_BYTE);
        out.write(ByteBuffer.allocate(4).putInt(SCHEMA_ID).array());
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<>(LearnerActivity.class).write(value, encoder);
        encoder.flush();
        return out.toByteArray();
      } catch (IOException e) {
        throw new SerializationException(e);
      }
    }

    @Override
    public LearnerActivity deserialize(String topic, byte[] payload) {
      int id = WireFormat.schemaId(topic, payload);
      if (id != SCHEMA_ID) {
        throw new SerializationException("unknown schema id " + id);
      }
      try {
        return new SpecificDatumReader<>(LearnerActivity.class)
            .read(
                null,
                DecoderFactory.get()
                    .binaryDecoder(
                        payload,
                        WireFormat.HEADER_SIZE,
                        payload.length - WireFormat.HEADER_SIZE,
                        null));
      } catch (IOException | RuntimeException e) {
        throw new SerializationException("cannot decode: " + e, e);
      }
    }
  }

  static final OneSchemaSerde SERDE = new OneSchemaSerde();

  @BeforeEach
  void start() {
    TrustedContracts.register(); // Avro 1.12 reads generated classes only when trusted
    metrics = new ServiceMetrics();
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "validator-topology-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    driver =
        new TopologyTestDriver(
            ValidatorTopology.build(
                TOPICS, new ValidationRules(Duration.ofDays(1)), SERDE, SERDE, metrics),
            props,
            NOW);
    raw = driver.createInputTopic("raw", new StringSerializer(), new ByteArraySerializer());
    v1 = driver.createOutputTopic("v1", new StringDeserializer(), new ByteArrayDeserializer());
    dlq = driver.createOutputTopic("dlq", new StringDeserializer(), new ByteArrayDeserializer());
  }

  @AfterEach
  void close() {
    driver.close();
  }

  static LearnerActivity.Builder valid() {
    return LearnerActivity.newBuilder()
        .setActivityId("a-1")
        .setLearnerId("l-1")
        .setCourseId("c-1")
        .setActivityType("quiz_submitted")
        .setActivityTimestamp(Instant.parse("2026-11-24T10:00:00Z"))
        .setUpdatedAt(Instant.parse("2026-11-24T10:05:00Z"))
        .setScore(50.0)
        .setDurationSeconds(30)
        .setAttributes(Map.of("device", "mobile"));
  }

  static Stream<Arguments> everyRule() {
    return Stream.of(
        rule("missing_activity_id", b -> b.setActivityId(""), ""),
        rule("missing_learner_id", b -> b.setLearnerId(" "), "a-1"),
        rule("missing_course_id", b -> b.setCourseId(""), "a-1"),
        rule("missing_activity_type", b -> b.setActivityType(""), "a-1"),
        rule("key_mismatch", b -> b, "a-2"),
        rule("implausible_activity_timestamp", b -> b.setActivityTimestamp(Instant.EPOCH), "a-1"),
        rule(
            "updated_before_activity",
            b -> b.setUpdatedAt(Instant.parse("2026-11-24T09:00:00Z")),
            "a-1"),
        rule("future_timestamp", b -> b.setUpdatedAt(NOW.plus(Duration.ofDays(2))), "a-1"),
        rule("score_out_of_range", b -> b.setScore(-5.0), "a-1"),
        rule("negative_duration", b -> b.setDurationSeconds(-1), "a-1"));
  }

  static Arguments rule(String rule, UnaryOperator<LearnerActivity.Builder> change, String key) {
    return Arguments.of(rule, change, key);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("everyRule")
  void aRecordBreakingARuleGoesToTheDlqWithItsOriginalBytesReasonAndSource(
      String rule, UnaryOperator<LearnerActivity.Builder> change, String key) {
    raw.pipeInput(key, SERDE.serialize("raw", valid().build())); // offset 0: valid
    byte[] bad = SERDE.serialize("raw", change.apply(valid()).build());
    Headers headers = new RecordHeaders().add("trace", "t-1".getBytes(StandardCharsets.UTF_8));
    raw.pipeInput(new TestRecord<>(key, bad, headers, NOW.minusSeconds(5))); // offset 1: bad

    if (!rule.equals("key_mismatch") && !rule.equals("missing_activity_id")) {
      assertThat(v1.readRecordsToList())
          .singleElement()
          .satisfies(r -> assertThat(r.key()).isEqualTo(key));
    } else {
      assertThat(dlq.getQueueSize()).isEqualTo(2); // the key is wrong for the valid record too
      dlq.readRecord();
    }
    TestRecord<String, byte[]> rejected = dlq.readRecord();
    assertThat(rejected.key()).isEqualTo(key);
    assertThat(rejected.value()).isEqualTo(bad);
    assertThat(rejected.timestamp()).isEqualTo(NOW.minusSeconds(5).toEpochMilli());
    assertThat(header(rejected, ValidatorTopology.HEADER_RULE)).isEqualTo(rule);
    assertThat(header(rejected, ValidatorTopology.HEADER_DETAIL)).isNotBlank();
    assertThat(header(rejected, ValidatorTopology.HEADER_TOPIC)).isEqualTo("raw");
    assertThat(header(rejected, ValidatorTopology.HEADER_PARTITION)).isEqualTo("0");
    assertThat(header(rejected, ValidatorTopology.HEADER_OFFSET)).isEqualTo("1");
    assertThat(header(rejected, "trace"))
        .as("the producer's own headers are kept")
        .isEqualTo("t-1");
    assertThat(dlq.isEmpty()).isTrue();
    assertThat(metrics.get(ValidatorTopology.METRIC_IN)).isEqualTo(2);
    assertThat(metrics.get(ValidatorTopology.METRIC_DLQ + "{rule=" + rule + "}")).isPositive();
  }

  @Test
  void undecodableBytesAndTombstonesGoToTheDlqAndTheStreamGoesOn() {
    byte[] json = "{\"not\":\"avro\"}".getBytes(StandardCharsets.UTF_8);
    raw.pipeInput("poison", json);
    raw.pipeInput("unknown-schema", new byte[] {0, 0, 0, 0, 99, 1, 2});
    raw.pipeInput("gone", (byte[]) null);
    raw.pipeInput("a-1", SERDE.serialize("raw", valid().build()));

    var rejected = dlq.readRecordsToList();
    assertThat(rejected)
        .extracting(TestRecord::key)
        .containsExactly("poison", "unknown-schema", "gone");
    assertThat(rejected)
        .extracting(r -> header(r, ValidatorTopology.HEADER_RULE))
        .containsExactly("undecodable", "undecodable", "null_value");
    assertThat(rejected.get(0).value()).isEqualTo(json);
    assertThat(header(rejected.get(1), ValidatorTopology.HEADER_DETAIL))
        .contains("unknown schema id 99");
    assertThat(rejected.get(2).value()).isNull();

    LearnerActivity passed = SERDE.deserialize("v1", v1.readValue());
    assertThat(passed).isEqualTo(valid().build());
    assertThat(metrics.get(ValidatorTopology.METRIC_VALID)).isEqualTo(1);
    assertThat(metrics.get(ValidatorTopology.METRIC_DLQ + "{rule=undecodable}")).isEqualTo(2);
    assertThat(metrics.get(ValidatorTopology.METRIC_DLQ + "{rule=null_value}")).isEqualTo(1);
  }

  @Test
  void aLongDetailIsCutTo500Characters() {
    String longKey = "k".repeat(800);
    raw.pipeInput(longKey, SERDE.serialize("raw", valid().build()));
    assertThat(header(dlq.readRecord(), ValidatorTopology.HEADER_DETAIL)).hasSize(500);
  }

  private static String header(TestRecord<?, ?> record, String name) {
    var h = record.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  @Test
  void aRegistryThatDoesNotAnswerFailsTheTaskInsteadOfRejectingAndOneThatSaysNoSchemaRejects() {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "validator-registry-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    int[] status = {503};
    Deserializer<LearnerActivity> registryFailing =
        (topic, bytes) -> {
          throw new SerializationException(
              "cannot resolve schema id 7",
              new SchemaRegistryException("registry said " + status[0], status[0], -1, null));
        };
    RegistryOutage outage = new RegistryOutage();
    try (TopologyTestDriver driver =
        new TopologyTestDriver(
            ValidatorTopology.build(
                TOPICS,
                new ValidationRules(Duration.ofDays(1)),
                registryFailing,
                SERDE,
                metrics,
                UnaryOperator::identity,
                outage),
            props,
            NOW)) {
      TestInputTopic<String, byte[]> in =
          driver.createInputTopic("raw", new StringSerializer(), new ByteArraySerializer());
      TestOutputTopic<String, byte[]> rejected =
          driver.createOutputTopic("dlq", new StringDeserializer(), new ByteArrayDeserializer());
      long started = System.nanoTime();
      assertThatThrownBy(() -> in.pipeInput("a", new byte[] {0, 0, 0, 0, 7}))
          .hasRootCauseInstanceOf(SchemaRegistryException.class);
      assertThat(Duration.ofNanos(System.nanoTime() - started))
          .as("waited for the registry first")
          .isGreaterThanOrEqualTo(Duration.ofSeconds(3));
      assertThat(rejected.isEmpty()).isTrue();
      assertThat(outage.since()).isPresent();

      status[0] = 404; // the registry answers: no such schema. The record is undecodable.
      in.pipeInput("b", new byte[] {0, 0, 0, 0, 7});
      assertThat(rejected.readRecord().headers().lastHeader(ValidatorTopology.HEADER_RULE).value())
          .isEqualTo("undecodable".getBytes(StandardCharsets.UTF_8));
    }
  }

  @Test
  void withAKeyEveryLearnerIdReachesV1AsAStablePseudonym() {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "validator-pseudonym-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    String key = "k3y-from-secrets-manager-0123456789";
    try (TopologyTestDriver pseudonymising =
        new TopologyTestDriver(
            ValidatorTopology.build(
                TOPICS,
                new ValidationRules(Duration.ofDays(1)),
                SERDE,
                SERDE,
                metrics,
                () -> LearnerPseudonyms.withKey(key),
                new RegistryOutage()),
            props,
            NOW)) {
      TestInputTopic<String, byte[]> in =
          pseudonymising.createInputTopic("raw", new StringSerializer(), new ByteArraySerializer());
      TestOutputTopic<String, byte[]> out =
          pseudonymising.createOutputTopic(
              "v1", new StringDeserializer(), new ByteArrayDeserializer());
      in.pipeInput("a-1", SERDE.serialize("raw", valid().setLearnerId("lrn_42").build()));
      in.pipeInput(
          "a-2",
          SERDE.serialize("raw", valid().setActivityId("a-2").setLearnerId("lrn_42").build()));
      in.pipeInput(
          "a-3",
          SERDE.serialize("raw", valid().setActivityId("a-3").setLearnerId("lrn_43").build()));
      List<String> learners =
          out.readValuesToList().stream()
              .map(v -> SERDE.deserialize("v1", v).getLearnerId())
              .toList();
      assertThat(learners.get(0))
          .matches("p_[0-9a-f]{32}")
          .isEqualTo(learners.get(1))
          .isNotEqualTo(learners.get(2));
      assertThat(learners.get(0))
          .isEqualTo(LearnerPseudonyms.withKey(key).apply("lrn_42"))
          .doesNotContain("lrn_");
      assertThat(LearnerPseudonyms.withKey(key + "-other").apply("lrn_42"))
          .isNotEqualTo(learners.get(0));
    }
  }
}
