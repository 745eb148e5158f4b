package io.lmsingest.sink;

import io.lmsingest.config.ServiceConfigFile;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;

/** Every setting of the s3-sink, checked at start; {@code LMS_<KEY>} overrides the file, {@code kafka.*} go to the clients. */
public final class SinkConfig extends AbstractConfig {
  public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
  public static final String REGISTRY_URL = "schema.registry.url";
  public static final String GROUP_ID = "group.id";
  public static final String TOPIC = "topic.v1";
  public static final String MANIFEST_TOPIC = "topic.manifests";
  public static final String BUCKET = "s3.bucket";
  public static final String REGION = "s3.region";
  public static final String ENDPOINT = "s3.endpoint";
  public static final String PATH_STYLE = "s3.path.style";
  public static final String ACCESS_KEY_ID = "s3.access.key.id";
  public static final String SECRET_ACCESS_KEY = "s3.secret.access.key";
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
  public static final String METRICS_PORT = "metrics.port";
  public static final String CREATE_TOPICS = "topics.create";

  public static final ConfigDef DEFINITION = new ConfigDef()
      .define(BOOTSTRAP_SERVERS, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(), Importance.HIGH, "Kafka brokers.")
      .define(REGISTRY_URL, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(), Importance.HIGH, "Schema registry URL.")
      .define(GROUP_ID, Type.STRING, "lms-s3-sink", Importance.HIGH,
          "Consumer group; its committed offsets are Bronze's high-water mark (reset them to replay).")
      .define(TOPIC, Type.STRING, "lms.learner-activity.v1", Importance.MEDIUM, "Topic written to Bronze.")
      .define(MANIFEST_TOPIC, Type.STRING, "lms.bronze.manifests", Importance.MEDIUM, "Where each manifest is also published.")
      .define(BUCKET, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(), Importance.HIGH, "Bronze bucket.")
      .define(REGION, Type.STRING, "us-east-1", Importance.MEDIUM, "S3 region.")
      .define(ENDPOINT, Type.STRING, "", Importance.LOW, "Endpoint override (MinIO, s3proxy, a VPC endpoint).")
      .define(PATH_STYLE, Type.BOOLEAN, false, Importance.LOW, "Path-style addressing (local S3 servers need it).")
      .define(ACCESS_KEY_ID, Type.STRING, "", Importance.LOW,
          "Secret reference (env:/file:/aws-secretsmanager:) of an access key id; empty = the default AWS credential chain.")
      .define(SECRET_ACCESS_KEY, Type.STRING, "", Importance.LOW, "Secret reference of the matching secret access key.")
      .define(SSE, Type.STRING, "s3", ValidString.in("s3", "kms"), Importance.MEDIUM, "Server-side encryption on every put: s3 (AES256) or kms.")
      .define(SSE_KMS_KEY_ID, Type.STRING, "", Importance.LOW, "KMS key id for s3.sse=kms (empty = the bucket's default key).")
      .define(BRONZE_PREFIX, Type.STRING, "bronze/learner_activity", Importance.LOW, "Key prefix of Bronze files.")
      .define(MANIFEST_PREFIX, Type.STRING, "manifests/learner_activity", Importance.LOW, "Key prefix of manifests.")
      .define(STAGING_DIR, Type.STRING, System.getProperty("java.io.tmpdir") + "/lms-s3-sink", Importance.MEDIUM,
          "Local directory where files are built before upload.")
      .define(MAX_RECORDS, Type.LONG, 500_000L, Range.atLeast(1), Importance.MEDIUM, "Finish a file at this many records.")
      .define(MAX_BYTES, Type.LONG, 128L << 20, Range.atLeast(1), Importance.MEDIUM, "Finish a file at this size.")
      .define(MAX_AGE_MS, Type.LONG, 60_000L, Range.atLeast(1), Importance.MEDIUM,
          "Finish a file this long after its first record (the freshness bound of Bronze).")
      .define(ROW_GROUP_BYTES, Type.LONG, 8L << 20, Range.atLeast(1 << 16), Importance.LOW, "Parquet row group size (buffered per open file).")
      .define(MEMORY_BUDGET, Type.LONG, 96L << 20, Range.atLeast(1 << 20), Importance.MEDIUM,
          "Most bytes buffered across all open files; above it the largest file is finished early.")
      .define(MULTIPART_THRESHOLD, Type.LONG, 64L << 20, Range.atLeast(5 << 20), Importance.LOW, "Files from this size go up in parts.")
      .define(PART_BYTES, Type.INT, 16 << 20, Range.atLeast(5 << 20), Importance.LOW, "Multipart part size.")
      .define(CREATE_TOPICS, Type.BOOLEAN, true, Importance.LOW,
          "Create the manifest topic (1 partition: one ordered stream for the loader) if it is missing.")
      .define(METRICS_PORT, Type.INT, -1, Range.atLeast(-1), Importance.LOW, "Port of GET /metrics and /health (-1 = off, 0 = any).");

  public SinkConfig(Map<String, ?> values) {
    super(DEFINITION, values, false);
    if (getString(ACCESS_KEY_ID).isEmpty() != getString(SECRET_ACCESS_KEY).isEmpty()) {
      throw new org.apache.kafka.common.config.ConfigException(
          ACCESS_KEY_ID + " and " + SECRET_ACCESS_KEY + " are set together or not at all");
    }
  }

  public static SinkConfig load(Map<String, String> fileValues, Map<String, String> environment) {
    return new SinkConfig(ServiceConfigFile.withEnvironment(DEFINITION, fileValues, environment));
  }

  public Map<String, Object> kafkaOverrides() {
    return originalsWithPrefix("kafka.");
  }
}
