package io.lmsingest.poller.config;

import io.lmsingest.kit.config.CommonKeys;
import io.lmsingest.kit.config.ServiceConfig;
import io.lmsingest.kit.config.ServiceConfigFile;
import io.lmsingest.schemas.Topics;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigException;

/**
 * Every setting of the poller: key, type, default, validator and doc in one place, checked at
 * start-up (the error names the bad key). Environment variables override the file: {@code
 * lms.api.page.size} is {@code LMS_API_PAGE_SIZE}. Settings under {@code kafka.} go to the producer
 * and consumer unchanged.
 */
public final class PollerConfig extends ServiceConfig {
  public static final String API_URL = "lms.api.url";
  public static final String API_KEY = "lms.api.key";
  public static final String API_KEY_HEADER = "lms.api.key.header";
  public static final String PAGE_SIZE = "lms.api.page.size";
  public static final String PAGINATION = "lms.api.pagination";
  public static final String API_TIMEOUT_MS = "lms.api.timeout.ms";
  public static final String RATE_LIMIT = "lms.api.rate.limit.per.second";
  public static final String LOOK_BACK_MS = "lms.api.lookback.ms";
  public static final String LOOK_BACK_INTERVAL_MS = "lms.api.lookback.interval.ms";
  public static final String SOURCE = "poller.source";
  public static final String START_FROM = "poller.start.from";
  public static final String IDLE_INTERVAL_MS = "poller.idle.interval.ms";
  public static final String TRANSACTION_MAX_PAGES = "poller.transaction.max.pages";
  public static final String TRANSACTION_MAX_MS = "poller.transaction.max.ms";
  public static final String BACKOFF_INITIAL_MS = "retry.backoff.initial.ms";
  public static final String BACKOFF_MAX_MS = "retry.backoff.max.ms";
  public static final String OUTAGE_ALERT_MS = "alert.outage.after.ms";
  public static final String SECRETS_TTL_MS = CommonKeys.SECRETS_TTL_MS;
  public static final String AWS_REGION = CommonKeys.AWS_REGION;
  public static final String SECRETS_MANAGER_ENDPOINT = CommonKeys.SECRETS_MANAGER_ENDPOINT;
  public static final String BOOTSTRAP_SERVERS = CommonKeys.BOOTSTRAP_SERVERS;
  public static final String REGISTRY_URL = CommonKeys.REGISTRY_URL;
  public static final String RAW_TOPIC = "topic.raw";
  public static final String CURSOR_TOPIC = "topic.cursor";
  public static final String DLQ_TOPIC = "topic.dlq";
  public static final String RAW_PARTITIONS = "topic.raw.partitions";
  public static final String CREATE_TOPICS = CommonKeys.CREATE_TOPICS;
  public static final String TRANSACTIONAL_ID = "transactional.id";
  public static final String METRICS_PORT = CommonKeys.METRICS_PORT;
  public static final String WAREHOUSE_JDBC_URL = "warehouse.jdbc.url";
  public static final String WAREHOUSE_TABLE = "warehouse.table";
  public static final String WAREHOUSE_COLUMN = "warehouse.updated.at.column";

  public static final ConfigDef DEFINITION =
      CommonKeys.alerts(
              CommonKeys.secrets(
                  CommonKeys.metrics(
                      CommonKeys.registry(
                          CommonKeys.createTopics(CommonKeys.kafka(new ConfigDef(), true)), true))))
          .define(
              API_URL,
              Type.STRING,
              ConfigDef.NO_DEFAULT_VALUE,
              new ConfigDef.NonEmptyString(),
              Importance.HIGH,
              "URL of the LMS activities endpoint, e.g. http://127.0.0.1:8080/v1/activities.")
          .define(
              API_KEY,
              Type.STRING,
              ConfigDef.NO_DEFAULT_VALUE,
              ConfigDef.CompositeValidator.of(
                  new ConfigDef.NonEmptyString(), CommonKeys.SECRET_REFERENCE),
              Importance.HIGH,
              "Where the API key lives: aws-secretsmanager:<id>[#json-key], env:NAME or file:PATH. Never the key itself.")
          .define(
              API_KEY_HEADER,
              Type.STRING,
              "X-Api-Key",
              Importance.LOW,
              "HTTP header that carries the API key.")
          .define(
              PAGE_SIZE,
              Type.INT,
              1000,
              Range.between(1, 10_000),
              Importance.MEDIUM,
              "Records asked for per page (the API may cap it lower).")
          .define(
              PAGINATION,
              Type.STRING,
              "cursor",
              ValidString.in("cursor", "next-link", "link-header", "page-number", "offset"),
              Importance.MEDIUM,
              "How the API points at the next page: cursor (next_cursor token), next-link (a 'next' URL in the body), link-header (RFC 8288), page-number (page=1,2,...) or offset (offset=0,limit,...), the last two relative to since.")
          .define(
              API_TIMEOUT_MS,
              Type.LONG,
              30_000L,
              Range.atLeast(100),
              Importance.MEDIUM,
              "Timeout of one page: connecting, and the whole response, body included (a connection"
                  + " that stalls mid-body fails the page like a 5xx).")
          .define(
              RATE_LIMIT,
              Type.DOUBLE,
              20.0,
              Range.atLeast(0.01),
              Importance.MEDIUM,
              "Most API requests per second (client-side).")
          .define(
              LOOK_BACK_MS,
              Type.LONG,
              300_000L,
              Range.atLeast(0),
              Importance.MEDIUM,
              "How far before its mark the poller re-reads the API every lms.api.lookback.interval.ms,"
                  + " for changes that became visible late (LMS clock skew, replica lag) or tied"
                  + " changes the API ordered another way. Only changes not written yet are written;"
                  + " 0 turns the look-back off.")
          .define(
              LOOK_BACK_INTERVAL_MS,
              Type.LONG,
              60_000L,
              Range.atLeast(0),
              Importance.LOW,
              "How often the look-back window is re-read. A change late by d is caught when d +"
                  + " this <= lms.api.lookback.ms; each re-read costs lms.api.lookback.ms worth of"
                  + " changes in API requests.")
          .define(
              SOURCE,
              Type.STRING,
              "lms",
              new ConfigDef.NonEmptyString(),
              Importance.HIGH,
              "Name of this LMS source: key of its cursor, part of the default transactional.id.")
          .define(
              START_FROM,
              Type.STRING,
              "earliest",
              Importance.HIGH,
              "Where a source with no committed cursor starts: 'earliest', an ISO-8601 instant (inclusive), or 'warehouse'"
                  + " (MAX(updated_at) of warehouse.table, inclusive).")
          .define(
              IDLE_INTERVAL_MS,
              Type.LONG,
              5_000L,
              Range.atLeast(0),
              Importance.MEDIUM,
              "Pause once caught up (the last page had nothing more); pages come back to back until then.")
          .define(
              TRANSACTION_MAX_PAGES,
              Type.INT,
              10,
              Range.between(1, 1000),
              Importance.LOW,
              "Most API pages one Kafka transaction holds while the API has more (a backfill);"
                  + " each is read whole before it is sent, and a page that fails ends the"
                  + " transaction with the pages before it committed. 1 = a transaction per page.")
          .define(
              TRANSACTION_MAX_MS,
              Type.LONG,
              1_000L,
              Range.atLeast(0),
              Importance.LOW,
              "No further page joins a transaction this long after it began: how much later than"
                  + " page by page a backfill's records may become visible downstream.")
          .define(
              BACKOFF_INITIAL_MS,
              Type.LONG,
              200L,
              Range.atLeast(1),
              Importance.LOW,
              "First retry delay (exponential, full jitter).")
          .define(
              BACKOFF_MAX_MS,
              Type.LONG,
              30_000L,
              Range.atLeast(1),
              Importance.LOW,
              "Longest retry delay.")
          .define(
              OUTAGE_ALERT_MS,
              Type.LONG,
              300_000L,
              Range.atLeast(0),
              Importance.MEDIUM,
              "Raise an alert once pages have failed for this long without a success.")
          .define(
              RAW_TOPIC,
              Type.STRING,
              Topics.RAW,
              Importance.MEDIUM,
              "Topic the API's records go to (key = activity_id).")
          .define(
              CURSOR_TOPIC,
              Type.STRING,
              Topics.CURSOR,
              Importance.MEDIUM,
              "Compacted topic of the pollers' cursors (key = source).")
          .define(
              DLQ_TOPIC,
              Type.STRING,
              Topics.DLQ,
              Importance.LOW,
              "Where API records that cannot be read as an activity go (their JSON, with the reason"
                  + " in lms.dlq.* headers), in the page's transaction.")
          .define(
              RAW_PARTITIONS,
              Type.INT,
              6,
              Range.atLeast(1),
              Importance.LOW,
              "Partitions of the raw topic when the poller creates it.")
          .define(
              TRANSACTIONAL_ID,
              Type.STRING,
              "",
              Importance.MEDIUM,
              "Kafka transactional.id (default lms-poller-<source>). A second poller with the same id fences the first.")
          .define(
              WAREHOUSE_JDBC_URL,
              Type.STRING,
              "",
              Importance.LOW,
              "JDBC URL of the warehouse, for poller.start.from=warehouse (e.g. jdbc:duckdb:lms-data/warehouse.duckdb).")
          .define(
              WAREHOUSE_TABLE,
              Type.STRING,
              "ANALYTICS_READY",
              Importance.LOW,
              "Table whose MAX(updated_at) starts a new source.")
          .define(
              WAREHOUSE_COLUMN,
              Type.STRING,
              "UPDATED_AT",
              Importance.LOW,
              "Its updated_at column.");

  public PollerConfig(Map<String, ?> values) {
    super("poller", DEFINITION, values);
    startFrom(); // validate now, naming the key
    if (getLong(BACKOFF_MAX_MS) < getLong(BACKOFF_INITIAL_MS)) {
      throw new ConfigException(
          BACKOFF_MAX_MS, getLong(BACKOFF_MAX_MS), "must be >= " + BACKOFF_INITIAL_MS);
    }
    if (getLong(LOOK_BACK_MS) > 0 && getLong(LOOK_BACK_INTERVAL_MS) >= getLong(LOOK_BACK_MS)) {
      throw new ConfigException(
          LOOK_BACK_INTERVAL_MS,
          getLong(LOOK_BACK_INTERVAL_MS),
          "must be < "
              + LOOK_BACK_MS
              + " ("
              + getLong(LOOK_BACK_MS)
              + "): a change late by d is caught only when d + the interval <= the window");
    }
  }

  /** File values, then environment overrides ({@code LMS_<KEY>}) for the defined keys. */
  public static PollerConfig load(Map<String, String> fileValues, Map<String, String> environment) {
    return new PollerConfig(ServiceConfigFile.withEnvironment(DEFINITION, fileValues, environment));
  }

  public Instant startFrom() {
    String value = getString(START_FROM);
    if ("earliest".equals(value)) {
      return Instant.EPOCH;
    }
    if ("warehouse".equals(value)) {
      if (getString(WAREHOUSE_JDBC_URL).isEmpty()) {
        throw new ConfigException(
            WAREHOUSE_JDBC_URL, "", "is required when " + START_FROM + "=warehouse");
      }
      return Instant.EPOCH; // resolved against the warehouse at start, see startsFromWarehouse()
    }
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw new ConfigException(
          START_FROM,
          value,
          "must be 'earliest', 'warehouse' or an ISO-8601 instant such as 2026-11-01T00:00:00Z");
    }
  }

  public boolean startsFromWarehouse() {
    return "warehouse".equals(getString(START_FROM));
  }

  public String transactionalId() {
    String id = getString(TRANSACTIONAL_ID);
    return id.isEmpty() ? "lms-poller-" + getString(SOURCE) : id;
  }
}
