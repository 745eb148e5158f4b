package io.lmsingest.validator;

import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/** Settings of the validator; {@code LMS_<KEY>} environment variables override the file, {@code kafka.*} go to Kafka Streams. */
public final class ValidatorConfig extends AbstractConfig {
  public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
  public static final String REGISTRY_URL = "schema.registry.url";
  public static final String APPLICATION_ID = "application.id";
  public static final String RAW_TOPIC = "topic.raw";
  public static final String V1_TOPIC = "topic.v1";
  public static final String DLQ_TOPIC = "topic.dlq";
  public static final String PARTITIONS = "topic.partitions";
  public static final String CREATE_TOPICS = "topics.create";
  public static final String MAX_FUTURE_SKEW_MS = "validation.max.future.skew.ms";
  public static final String STATE_DIR = "state.dir";

  public static final ConfigDef DEFINITION = new ConfigDef()
      .define(BOOTSTRAP_SERVERS, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(), Importance.HIGH, "Kafka brokers.")
      .define(REGISTRY_URL, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(), Importance.HIGH, "Schema registry URL.")
      .define(APPLICATION_ID, Type.STRING, "lms-validator", Importance.HIGH, "Kafka Streams application.id (consumer group and transactional prefix).")
      .define(RAW_TOPIC, Type.STRING, "lms.learner-activity.raw", Importance.MEDIUM, "Input topic.")
      .define(V1_TOPIC, Type.STRING, "lms.learner-activity.v1", Importance.MEDIUM, "Valid records.")
      .define(DLQ_TOPIC, Type.STRING, "lms.learner-activity.dlq", Importance.MEDIUM, "Invalid records: original bytes + lms.dlq.* headers.")
      .define(PARTITIONS, Type.INT, 6, Range.atLeast(1), Importance.LOW,
          "Partitions of v1 and dlq when created; keep equal to the raw topic so keys stay in step.")
      .define(CREATE_TOPICS, Type.BOOLEAN, true, Importance.LOW, "Create v1 and dlq if missing.")
      .define(MAX_FUTURE_SKEW_MS, Type.LONG, 86_400_000L, Range.atLeast(0), Importance.MEDIUM,
          "A timestamp later than now plus this is rejected as future_timestamp.")
      .define(STATE_DIR, Type.STRING, System.getProperty("java.io.tmpdir") + "/lms-validator", Importance.LOW, "Kafka Streams state directory.");

  public ValidatorConfig(Map<String, ?> values) {
    super(DEFINITION, values, false);
  }

  public static ValidatorConfig load(Map<String, String> fileValues, Map<String, String> environment) {
    return new ValidatorConfig(io.lmsingest.config.ServiceConfigFile.withEnvironment(DEFINITION, fileValues, environment));
  }

  public Map<String, Object> kafkaOverrides() {
    return originalsWithPrefix("kafka.");
  }
}
