package io.lmsingest.validator;

import io.lmsingest.kit.config.CommonKeys;
import io.lmsingest.kit.config.ServiceConfig;
import io.lmsingest.kit.config.ServiceConfigFile;
import io.lmsingest.schemas.ConsumerGroups;
import io.lmsingest.schemas.Topics;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * Settings of the validator; {@code LMS_<KEY>} environment variables override the file, {@code
 * kafka.*} go to Kafka Streams.
 */
public final class ValidatorConfig extends ServiceConfig {
  public static final String BOOTSTRAP_SERVERS = CommonKeys.BOOTSTRAP_SERVERS;
  public static final String REGISTRY_URL = CommonKeys.REGISTRY_URL;
  public static final String CREATE_TOPICS = CommonKeys.CREATE_TOPICS;
  public static final String METRICS_PORT = CommonKeys.METRICS_PORT;
  public static final String APPLICATION_ID = "application.id";
  public static final String RAW_TOPIC = "topic.raw";
  public static final String V1_TOPIC = "topic.v1";
  public static final String DLQ_TOPIC = "topic.dlq";
  public static final String PARTITIONS = "topic.partitions";
  public static final String MAX_FUTURE_SKEW_MS = "validation.max.future.skew.ms";
  public static final String STATE_DIR = "state.dir";
  public static final String PSEUDONYMISE_KEY = "pseudonymise.learner.id.key";
  public static final String DLQ_ALERT_THRESHOLD = "alert.dlq.threshold";
  public static final String DLQ_ALERT_WINDOW_MS = "alert.dlq.window.ms";

  public static final ConfigDef DEFINITION =
      CommonKeys.lagAlerts(
              CommonKeys.alerts(
                  CommonKeys.secrets(
                      CommonKeys.metrics(
                          CommonKeys.registry(
                              CommonKeys.createTopics(CommonKeys.kafka(new ConfigDef(), true)),
                              true)))))
          .define(
              APPLICATION_ID,
              Type.STRING,
              ConsumerGroups.VALIDATOR,
              new ConfigDef.NonEmptyString(),
              Importance.HIGH,
              "Kafka Streams application.id (consumer group and transactional prefix).")
          .define(RAW_TOPIC, Type.STRING, Topics.RAW, Importance.MEDIUM, "Input topic.")
          .define(V1_TOPIC, Type.STRING, Topics.V1, Importance.MEDIUM, "Valid records.")
          .define(
              DLQ_TOPIC,
              Type.STRING,
              Topics.DLQ,
              Importance.MEDIUM,
              "Invalid records: original bytes + lms.dlq.* headers.")
          .define(
              PARTITIONS,
              Type.INT,
              6,
              Range.atLeast(1),
              Importance.LOW,
              "Partitions of v1 and dlq when created; keep equal to the raw topic so keys stay in step.")
          .define(
              MAX_FUTURE_SKEW_MS,
              Type.LONG,
              86_400_000L,
              Range.atLeast(0),
              Importance.MEDIUM,
              "A timestamp later than now plus this is rejected as future_timestamp.")
          .define(
              STATE_DIR,
              Type.STRING,
              System.getProperty("java.io.tmpdir") + "/lms-validator",
              Importance.LOW,
              "Kafka Streams state directory.")
          .define(
              PSEUDONYMISE_KEY,
              Type.STRING,
              "",
              CommonKeys.SECRET_REFERENCE,
              Importance.MEDIUM,
              "Secret reference (aws-secretsmanager:/env:/file:) of a key (16+ characters) that turns every learner_id into"
                  + " p_<HMAC-SHA256> before v1, stable across runs and replays; empty = learner ids pass unchanged.")
          .define(
              DLQ_ALERT_THRESHOLD,
              Type.LONG,
              100L,
              Range.atLeast(1),
              Importance.MEDIUM,
              "Alert when more than this many records reach the DLQ within alert.dlq.window.ms.")
          .define(
              DLQ_ALERT_WINDOW_MS,
              Type.LONG,
              300_000L,
              Range.atLeast(1_000),
              Importance.LOW,
              "The sliding window of alert.dlq.threshold.");

  public ValidatorConfig(Map<String, ?> values) {
    super("validator", DEFINITION, values);
  }

  public static ValidatorConfig load(
      Map<String, String> fileValues, Map<String, String> environment) {
    return new ValidatorConfig(
        ServiceConfigFile.withEnvironment(DEFINITION, fileValues, environment));
  }
}
