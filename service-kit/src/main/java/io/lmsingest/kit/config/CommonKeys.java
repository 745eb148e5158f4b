package io.lmsingest.kit.config;

import io.lmsingest.secrets.SecretReference;
import java.util.Collection;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * The keys every service shares — Kafka, schema registry, S3, metrics endpoint, secrets — declared
 * once here, each with its doc, default and validator. A service's definition starts with the
 * groups it needs: {@code CommonKeys.secrets(CommonKeys.kafka(new ConfigDef(), true))...}.
 */
public final class CommonKeys {
  /**
   * Checks, when the config is read and so before it is ever printed, that a secret key holds a
   * reference ({@code aws-secretsmanager:}, {@code env:}, {@code file:}) and not the secret itself;
   * the message names the key and never echoes the value. Empty passes (the key is optional).
   */
  public static final ConfigDef.Validator SECRET_REFERENCE =
      new ConfigDef.Validator() {
        @Override
        public void ensureValid(String name, Object value) {
          if (value instanceof String s && !s.isEmpty()) {
            try {
              SecretReference.parse(name, s);
            } catch (IllegalArgumentException e) {
              throw new ConfigException(e.getMessage());
            }
          }
        }

        @Override
        public String toString() {
          return "a secret reference: aws-secretsmanager:<id>[#json-key], env:NAME or file:PATH";
        }
      };

  public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
  public static final String CREATE_TOPICS = "topics.create";
  public static final String TOPICS_REPLICATION_FACTOR = "topics.replication.factor";
  public static final String TOPICS_MIN_INSYNC_REPLICAS = "topics.min.insync.replicas";
  public static final String TOPICS_RETENTION_MS = "topics.retention.ms";
  public static final String TOPICS_DLQ_RETENTION_MS = "topics.dlq.retention.ms";
  public static final String REGISTRY_URL = "schema.registry.url";
  public static final String REGISTRY_USER_INFO = "schema.registry.basic.auth.user.info";
  public static final String S3_BUCKET = "s3.bucket";
  public static final String S3_REGION = "s3.region";
  public static final String S3_ENDPOINT = "s3.endpoint";
  public static final String S3_PATH_STYLE = "s3.path.style";
  public static final String S3_ACCESS_KEY_ID = "s3.access.key.id";
  public static final String S3_SECRET_ACCESS_KEY = "s3.secret.access.key";
  public static final String METRICS_PORT = "metrics.port";
  public static final String METRICS_HOST = "metrics.host";
  public static final String AWS_REGION = "aws.region";
  public static final String SECRETS_MANAGER_ENDPOINT = "aws.secretsmanager.endpoint";
  public static final String SECRETS_TTL_MS = "secrets.cache.ttl.ms";
  public static final String ALERT_SLACK_WEBHOOK = "alert.slack.webhook.url";
  public static final String ALERT_SNS_TOPIC = "alert.sns.topic.arn";
  public static final String ALERT_SNS_ENDPOINT = "alert.sns.endpoint";
  public static final String ALERT_MIN_INTERVAL_MS = "alert.min.interval.ms";
  public static final String ALERT_LAG_MAX_RECORDS = "alert.lag.max.records";
  public static final String ALERT_LAG_FOR_MS = "alert.lag.for.ms";

  private CommonKeys() {}

  /** {@code bootstrap.servers}, required unless the service can also run without Kafka. */
  public static ConfigDef kafka(ConfigDef def, boolean required) {
    return def.define(
        BOOTSTRAP_SERVERS,
        Type.STRING,
        required ? ConfigDef.NO_DEFAULT_VALUE : "",
        required ? new ConfigDef.NonEmptyString() : null,
        Importance.HIGH,
        "Kafka brokers, host:port[,host:port...]."
            + (required ? "" : " Not needed by replay from S3."));
  }

  /** {@code topics.create}, for a service that writes topics. */
  public static ConfigDef createTopics(ConfigDef def) {
    return def.define(
            CREATE_TOPICS,
            Type.BOOLEAN,
            true,
            Importance.LOW,
            "Create the topics this service writes if they are missing (off where topics are managed elsewhere).")
        .define(
            TOPICS_REPLICATION_FACTOR,
            Type.SHORT,
            (short) -1,
            Range.atLeast(-1),
            Importance.MEDIUM,
            "Replication factor of the topics this service creates (-1 = the broker's"
                + " default.replication.factor). 3 on a production cluster.")
        .define(
            TOPICS_MIN_INSYNC_REPLICAS,
            Type.INT,
            -1,
            Range.atLeast(-1),
            Importance.MEDIUM,
            "min.insync.replicas of the topics this service creates (-1 = the broker's default). 2"
                + " with replication 3: every write (acks=all) is on two brokers before it counts.")
        .define(
            TOPICS_RETENTION_MS,
            Type.LONG,
            7L * 24 * 3_600_000,
            Range.atLeast(-1),
            Importance.MEDIUM,
            "retention.ms of the raw, v1 and manifest topics this service creates (-1 = for ever):"
                + " how far back a replay from Kafka can go. The loader reconciles expired manifests"
                + " from S3.")
        .define(
            TOPICS_DLQ_RETENTION_MS,
            Type.LONG,
            30L * 24 * 3_600_000,
            Range.atLeast(-1),
            Importance.MEDIUM,
            "retention.ms of the dead-letter topic this service creates (-1 = for ever): how long a"
                + " record can wait there to be looked at and redriven.");
  }

  /** {@code schema.registry.url}. */
  public static ConfigDef registry(ConfigDef def, boolean required) {
    return def.define(
            REGISTRY_URL,
            Type.STRING,
            required ? ConfigDef.NO_DEFAULT_VALUE : "",
            required ? new ConfigDef.NonEmptyString() : null,
            Importance.HIGH,
            "Confluent-compatible schema registry URL (Apicurio: .../apis/ccompat/v7)."
                + (required ? "" : " Not needed by replay from S3."))
        .define(
            REGISTRY_USER_INFO,
            Type.STRING,
            "",
            SECRET_REFERENCE,
            Importance.MEDIUM,
            "Secret reference of the registry's basic-auth credentials, user:password"
                + " (aws-secretsmanager:, env: or file:); empty = none. Never put them in the URL.");
  }

  /** The Bronze bucket and how to reach it. Access keys are secret references, never values. */
  public static ConfigDef s3(ConfigDef def) {
    return def.define(
            S3_BUCKET,
            Type.STRING,
            ConfigDef.NO_DEFAULT_VALUE,
            new ConfigDef.NonEmptyString(),
            Importance.HIGH,
            "Bronze bucket.")
        .define(
            S3_REGION,
            Type.STRING,
            "us-east-1",
            new ConfigDef.NonEmptyString(),
            Importance.MEDIUM,
            "S3 region.")
        .define(
            S3_ENDPOINT,
            Type.STRING,
            "",
            Importance.LOW,
            "S3 endpoint override (MinIO, s3proxy, a VPC endpoint).")
        .define(
            S3_PATH_STYLE,
            Type.BOOLEAN,
            false,
            Importance.LOW,
            "Path-style addressing (local S3 servers need it).")
        .define(
            S3_ACCESS_KEY_ID,
            Type.STRING,
            "",
            SECRET_REFERENCE,
            Importance.LOW,
            "Secret reference (aws-secretsmanager:<id>[#json-key], env:NAME, file:PATH) of an access key id;"
                + " empty = the default AWS credential chain (instance profile, IRSA, environment).")
        .define(
            S3_SECRET_ACCESS_KEY,
            Type.STRING,
            "",
            SECRET_REFERENCE,
            Importance.LOW,
            "Secret reference of the matching secret access key; set together with "
                + S3_ACCESS_KEY_ID
                + ".");
  }

  /** The service's own HTTP endpoint: GET /metrics, /health, /ready. */
  public static ConfigDef metrics(ConfigDef def) {
    return def.define(
            METRICS_PORT,
            Type.INT,
            -1,
            Range.atLeast(-1),
            Importance.LOW,
            "Port of GET /metrics, /health and /ready (-1 = off, 0 = any free port).")
        .define(
            METRICS_HOST,
            Type.STRING,
            "127.0.0.1",
            new ConfigDef.NonEmptyString(),
            Importance.LOW,
            "Address the endpoint binds to (0.0.0.0 in a container).");
  }

  /** Where {@code aws-secretsmanager:} references are read, and how long any secret is cached. */
  public static ConfigDef secrets(ConfigDef def) {
    return def.define(
            AWS_REGION,
            Type.STRING,
            "us-east-1",
            new ConfigDef.NonEmptyString(),
            Importance.LOW,
            "Region of AWS Secrets Manager (and other AWS APIs the service calls besides S3).")
        .define(
            SECRETS_MANAGER_ENDPOINT,
            Type.STRING,
            "",
            Importance.LOW,
            "Endpoint override for Secrets Manager (a VPC endpoint, a local emulator).")
        .define(
            SECRETS_TTL_MS,
            Type.LONG,
            300_000L,
            Range.atLeast(0),
            Importance.LOW,
            "How long a secret is cached before it is read again (picks up rotation).");
  }

  /** Where alerts go besides the log: a Slack incoming webhook, an SNS topic. */
  public static ConfigDef alerts(ConfigDef def) {
    return def.define(
            ALERT_SLACK_WEBHOOK,
            Type.STRING,
            "",
            SECRET_REFERENCE,
            Importance.MEDIUM,
            "Secret reference (aws-secretsmanager:/env:/file:) of a Slack incoming-webhook URL (its path is the credential);"
                + " empty = no Slack.")
        .define(
            ALERT_SNS_TOPIC,
            Type.STRING,
            "",
            Importance.MEDIUM,
            "ARN of an SNS topic alerts are published to (region aws.region); empty = no SNS.")
        .define(
            ALERT_SNS_ENDPOINT,
            Type.STRING,
            "",
            Importance.LOW,
            "Endpoint override for SNS (a VPC endpoint, a local emulator).")
        .define(
            ALERT_MIN_INTERVAL_MS,
            Type.LONG,
            600_000L,
            Range.atLeast(0),
            Importance.LOW,
            "An incident that comes back within this long of its last notification is not sent again (flapping).");
  }

  /** A consumer service's lag SLO, alerted on (off while the records are 0). */
  public static ConfigDef lagAlerts(ConfigDef def) {
    return def.define(
            ALERT_LAG_MAX_RECORDS,
            Type.LONG,
            0L,
            Range.atLeast(0),
            Importance.MEDIUM,
            "Alert when the service's consumer group is more than this many records behind on its input topic for"
                + " alert.lag.for.ms; 0 = no lag alert.")
        .define(
            ALERT_LAG_FOR_MS,
            Type.LONG,
            600_000L,
            Range.atLeast(0),
            Importance.LOW,
            "How long the lag must stay above alert.lag.max.records before the alert.");
  }

  /**
   * The declared key nearest to a misspelt one (edit distance at most 3), for the error message.
   */
  static Optional<String> closest(String key, Collection<String> known) {
    String best = null;
    int bestDistance = 4;
    for (String candidate : known) {
      int d = distance(key, candidate);
      if (d < bestDistance) {
        best = candidate;
        bestDistance = d;
      }
    }
    return Optional.ofNullable(best);
  }

  private static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        current[j] =
            Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
