package io.lmsingest.sink;

import io.lmsingest.kit.aws.S3Clients;
import io.lmsingest.kit.config.CommonKeys;
import io.lmsingest.kit.config.ServiceConfig;
import io.lmsingest.kit.config.ServiceConfigFile;
import io.lmsingest.schemas.BronzeLayout;
import io.lmsingest.schemas.ConsumerGroups;
import io.lmsingest.schemas.Topics;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;

/**
 * Every setting of the s3-sink, checked at start; {@code LMS_<KEY>} overrides the file, {@code
 * kafka.*} go to the clients.
 */
public final class SinkConfig extends ServiceConfig {
  public static final String BOOTSTRAP_SERVERS = CommonKeys.BOOTSTRAP_SERVERS;
  public static final String REGISTRY_URL = CommonKeys.REGISTRY_URL;
  public static final String CREATE_TOPICS = CommonKeys.CREATE_TOPICS;
  public static final String BUCKET = CommonKeys.S3_BUCKET;
  public static final String REGION = CommonKeys.S3_REGION;
  public static final String ENDPOINT = CommonKeys.S3_ENDPOINT;
  public static final String PATH_STYLE = CommonKeys.S3_PATH_STYLE;
  public static final String ACCESS_KEY_ID = CommonKeys.S3_ACCESS_KEY_ID;
  public static final String SECRET_ACCESS_KEY = CommonKeys.S3_SECRET_ACCESS_KEY;
  public static final String METRICS_PORT = CommonKeys.METRICS_PORT;
  public static final String GROUP_ID = "group.id";
  public static final String TOPIC = "topic.v1";
  public static final String MANIFEST_TOPIC = "topic.manifests";
  public static final String SSE = "s3.sse";
  public static final String SSE_KMS_KEY_ID = "s3.sse.kms.key.id";
  public static final String BRONZE_PREFIX = "bronze.prefix";
  public static final String MANIFEST_PREFIX = "manifests.prefix";
  public static final String STAGING_DIR = "staging.dir";
  public static final String MAX_RECORDS = "rotation.max.records";
  public static final String MAX_BYTES = "rotation.max.bytes";
  public static final String MAX_AGE_MS = "rotation.max.age.ms";
  public static final String ROW_GROUP_BYTES = "parquet.row.group.bytes";
  public static final String MEMORY_BUDGET = "memory.budget.bytes";
  public static final String MULTIPART_THRESHOLD = "s3.multipart.threshold.bytes";
  public static final String PART_BYTES = "s3.multipart.part.bytes";

  public static final ConfigDef DEFINITION =
      CommonKeys.lagAlerts(
              CommonKeys.alerts(
                  CommonKeys.secrets(
                      CommonKeys.metrics(
                          CommonKeys.s3(
                              CommonKeys.registry(
                                  CommonKeys.createTopics(CommonKeys.kafka(new ConfigDef(), true)),
                                  true))))))
          .define(
              GROUP_ID,
              Type.STRING,
              ConsumerGroups.SINK,
              new ConfigDef.NonEmptyString(),
              Importance.HIGH,
              "Consumer group; its committed offsets are Bronze's high-water mark (reset them to replay).")
          .define(TOPIC, Type.STRING, Topics.V1, Importance.MEDIUM, "Topic written to Bronze.")
          .define(
              MANIFEST_TOPIC,
              Type.STRING,
              Topics.MANIFESTS,
              Importance.MEDIUM,
              "Where each manifest is also published (created with 1 partition if missing and topics.create is on).")
          .define(
              SSE,
              Type.STRING,
              "s3",
              ValidString.in("s3", "kms"),
              Importance.MEDIUM,
              "Server-side encryption on every put: s3 (AES256) or kms.")
          .define(
              SSE_KMS_KEY_ID,
              Type.STRING,
              "",
              Importance.LOW,
              "KMS key id for s3.sse=kms (empty = the bucket's default key).")
          .define(
              BRONZE_PREFIX,
              Type.STRING,
              BronzeLayout.BRONZE_PREFIX,
              Importance.LOW,
              "Key prefix of Bronze files.")
          .define(
              MANIFEST_PREFIX,
              Type.STRING,
              BronzeLayout.MANIFEST_PREFIX,
              Importance.LOW,
              "Key prefix of manifests.")
          .define(
              STAGING_DIR,
              Type.STRING,
              System.getProperty("java.io.tmpdir") + "/lms-s3-sink",
              Importance.MEDIUM,
              "Local directory where files are built before upload.")
          .define(
              MAX_RECORDS,
              Type.LONG,
              500_000L,
              Range.atLeast(1),
              Importance.MEDIUM,
              "Finish a file at this many records.")
          .define(
              MAX_BYTES,
              Type.LONG,
              128L << 20,
              Range.atLeast(1),
              Importance.MEDIUM,
              "Finish a file at this size.")
          .define(
              MAX_AGE_MS,
              Type.LONG,
              60_000L,
              Range.atLeast(1),
              Importance.MEDIUM,
              "Finish a file this long after its first record (the freshness bound of Bronze).")
          .define(
              ROW_GROUP_BYTES,
              Type.LONG,
              8L << 20,
              Range.atLeast(1 << 16),
              Importance.LOW,
              "Parquet row group size (buffered per open file).")
          .define(
              MEMORY_BUDGET,
              Type.LONG,
              96L << 20,
              Range.atLeast(1 << 20),
              Importance.MEDIUM,
              "Most bytes buffered across all open files; above it the largest file is finished early.")
          .define(
              MULTIPART_THRESHOLD,
              Type.LONG,
              64L << 20,
              Range.atLeast(5 << 20),
              Importance.LOW,
              "Files from this size go up in parts.")
          .define(
              PART_BYTES,
              Type.INT,
              16 << 20,
              Range.atLeast(5 << 20),
              Importance.LOW,
              "Multipart part size.");

  public SinkConfig(Map<String, ?> values) {
    super("sink", DEFINITION, values);
    S3Clients.checkKeyPair(this);
  }

  public static SinkConfig load(Map<String, String> fileValues, Map<String, String> environment) {
    return new SinkConfig(ServiceConfigFile.withEnvironment(DEFINITION, fileValues, environment));
  }
}
