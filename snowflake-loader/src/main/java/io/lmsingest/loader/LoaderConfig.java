package io.lmsingest.loader;

import io.lmsingest.kit.aws.S3Clients;
import io.lmsingest.kit.config.CommonKeys;
import io.lmsingest.kit.config.ServiceConfig;
import io.lmsingest.kit.config.ServiceConfigFile;
import io.lmsingest.loader.manifest.BatchCoalescer;
import io.lmsingest.loader.warehouse.DuckDbSettings;
import io.lmsingest.schemas.BronzeLayout;
import io.lmsingest.schemas.ConsumerGroups;
import io.lmsingest.schemas.Topics;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigException;

/**
 * Every setting of the loader, checked at start; {@code LMS_<KEY>} overrides the file, {@code
 * kafka.*} go to the consumer.
 */
public final class LoaderConfig extends ServiceConfig {
  public static final String BOOTSTRAP_SERVERS = CommonKeys.BOOTSTRAP_SERVERS;
  public static final String REGISTRY_URL = CommonKeys.REGISTRY_URL;
  public static final String GROUP_ID = "group.id";
  public static final String MANIFEST_TOPIC = "topic.manifests";
  public static final String DIALECT = "warehouse.dialect";
  public static final String DUCKDB_PATH = "duckdb.path";
  public static final String DUCKDB_MEMORY_LIMIT = "duckdb.memory.limit";
  public static final String DUCKDB_THREADS = "duckdb.threads";
  public static final String DUCKDB_CHECKPOINT_THRESHOLD = "duckdb.checkpoint.threshold";
  public static final String DUCKDB_CHECKPOINT_ROWS = "duckdb.checkpoint.rows";
  public static final String DUCKDB_DISABLED_COMPRESSION = "duckdb.disabled.compression";
  public static final String DUCKDB_RAW_KEEP = "duckdb.raw.keep";
  public static final String BUCKET = CommonKeys.S3_BUCKET;
  public static final String REGION = CommonKeys.S3_REGION;
  public static final String ENDPOINT = CommonKeys.S3_ENDPOINT;
  public static final String PATH_STYLE = CommonKeys.S3_PATH_STYLE;
  public static final String ACCESS_KEY_ID = CommonKeys.S3_ACCESS_KEY_ID;
  public static final String SECRET_ACCESS_KEY = CommonKeys.S3_SECRET_ACCESS_KEY;
  public static final String MANIFEST_PREFIX = "manifests.prefix";
  public static final String STAGING_DIR = "staging.dir";
  public static final String MAX_FILES = "batch.max.files";
  public static final String MAX_BYTES = "batch.max.bytes";
  public static final String MAX_ROWS = "batch.max.rows";
  public static final String MIN_INTERVAL_MS = "batch.min.interval.ms";
  public static final String MAX_ATTEMPTS = "batch.max.attempts";
  public static final String RECONCILE_WINDOW_HOURS = "reconcile.window.hours";
  public static final String SNOWFLAKE_URL = "snowflake.url";
  public static final String SNOWFLAKE_USER = "snowflake.user";
  public static final String SNOWFLAKE_ROLE = "snowflake.role";
  public static final String SNOWFLAKE_WAREHOUSE = "snowflake.warehouse";
  public static final String SNOWFLAKE_DATABASE = "snowflake.database";
  public static final String SNOWFLAKE_SCHEMA = "snowflake.schema";
  public static final String SNOWFLAKE_STAGE = "snowflake.stage";
  public static final String SNOWFLAKE_PRIVATE_KEY = "snowflake.private.key";
  public static final String SNOWFLAKE_PRIVATE_KEY_PASSPHRASE = "snowflake.private.key.passphrase";
  public static final String METRICS_PORT = CommonKeys.METRICS_PORT;

  public static final ConfigDef DEFINITION =
      CommonKeys.lagAlerts(
              CommonKeys.alerts(
                  CommonKeys.secrets(
                      CommonKeys.metrics(
                          CommonKeys.s3(
                              CommonKeys.registry(
                                  CommonKeys.kafka(new ConfigDef(), false), false))))))
          .define(
              GROUP_ID,
              Type.STRING,
              ConsumerGroups.LOADER,
              Importance.HIGH,
              "Consumer group on the manifest topic.")
          .define(
              MANIFEST_TOPIC,
              Type.STRING,
              Topics.MANIFESTS,
              Importance.MEDIUM,
              "Topic the sink publishes manifests to.")
          .define(
              DIALECT,
              Type.STRING,
              "duckdb",
              ValidString.in("duckdb", "snowflake"),
              Importance.HIGH,
              "Warehouse: duckdb or snowflake.")
          .define(
              DUCKDB_PATH,
              Type.STRING,
              "warehouse.duckdb",
              Importance.MEDIUM,
              "DuckDB database file (dialect duckdb).")
          .define(
              DUCKDB_MEMORY_LIMIT,
              Type.STRING,
              DuckDbSettings.DEFAULT_MEMORY_LIMIT,
              Importance.MEDIUM,
              "Most memory DuckDB's buffer manager may hold (e.g. 256MB, 2GB; empty = DuckDB's 80 % of"
                  + " RAM); larger joins spill to the staging directory.")
          .define(
              DUCKDB_THREADS,
              Type.INT,
              DuckDbSettings.DEFAULT_THREADS,
              Range.atLeast(0),
              Importance.MEDIUM,
              "DuckDB worker threads (0 = one per core).")
          .define(
              DUCKDB_CHECKPOINT_THRESHOLD,
              Type.STRING,
              DuckDbSettings.DEFAULT_CHECKPOINT_THRESHOLD,
              Importance.LOW,
              "Write-ahead log size at which a COMMIT also checkpoints (a checkpoint rewrites what"
                  + " the batches changed; larger = fewer rewrites, a longer WAL replay after a crash).")
          .define(
              DUCKDB_CHECKPOINT_ROWS,
              Type.LONG,
              DuckDbSettings.DEFAULT_CHECKPOINT_ROWS,
              Range.atLeast(0),
              Importance.LOW,
              "Rows copied since the last checkpoint after which the loader checkpoints DuckDB (0 ="
                  + " never). Large loads bypass the WAL, so duckdb.checkpoint.threshold alone may never"
                  + " trigger while the changes not checkpointed hold memory: without this, merges"
                  + " into a ~8M-row target failed with Out of Memory at duckdb.memory.limit=192MB.")
          .define(
              DUCKDB_DISABLED_COMPRESSION,
              Type.LIST,
              String.join(",", DuckDbSettings.DEFAULT_DISABLED_COMPRESSION),
              Importance.LOW,
              "DuckDB compression methods the warehouse does not try (empty = DuckDB chooses among"
                  + " all). FSST on the nearly distinct ids cost a fifth of a load's time; without it"
                  + " the file is about 1.8 times as large.")
          .define(
              DUCKDB_RAW_KEEP,
              Type.BOOLEAN,
              DuckDbSettings.DEFAULT_KEEP_RAW,
              Importance.LOW,
              "Also copy every batch's rows into raw_learner_activity (every version, tagged with"
                  + " file and batch) and MERGE from there, as in Snowflake. Off: the MERGE reads the"
                  + " batch's staged files straight, in about half the time, and the database holds"
                  + " one copy of each row (the versions stay in Bronze).")
          .define(
              MANIFEST_PREFIX,
              Type.STRING,
              BronzeLayout.MANIFEST_PREFIX,
              Importance.LOW,
              "Where manifests lie in S3 (replay reads them).")
          .define(
              STAGING_DIR,
              Type.STRING,
              System.getProperty("java.io.tmpdir") + "/lms-loader",
              Importance.LOW,
              "Local directory the DuckDB dialect downloads a batch's objects into.")
          .define(
              MAX_FILES,
              Type.INT,
              1000,
              Range.between(1, 1000),
              Importance.MEDIUM,
              "Most files in one micro-batch (Snowflake's COPY takes at most 1,000 names).")
          .define(
              MAX_BYTES,
              Type.LONG,
              1L << 30,
              Range.atLeast(1),
              Importance.MEDIUM,
              "About the most bytes in one micro-batch.")
          .define(
              MAX_ROWS,
              Type.LONG,
              400_000L,
              Range.atLeast(1),
              Importance.MEDIUM,
              "About the most rows in one micro-batch (from the manifests' row counts). DuckDB holds a"
                  + " batch's uncommitted rows in memory: at duckdb.memory.limit=192MB a batch of"
                  + " ~700,000 rows merged into a 3M-row table still fit, a larger one failed with Out"
                  + " of Memory.")
          .define(
              MIN_INTERVAL_MS,
              Type.LONG,
              0L,
              Range.atLeast(0),
              Importance.MEDIUM,
              "Least time between the starts of two batches that are not full: manifests arriving"
                  + " meanwhile are coalesced, so a Snowflake warehouse can auto-suspend (0 = load"
                  + " as soon as the topic is drained; see docs/snowflake.md).")
          .define(
              MAX_ATTEMPTS,
              Type.INT,
              5,
              Range.atLeast(1),
              Importance.MEDIUM,
              "Failures of a batch by itself (a file the warehouse cannot read, rows that do not"
                  + " match the manifest, out of memory) before it is loaded manifest by manifest, and"
                  + " a manifest that still fails is set aside in load_quarantined_files with an"
                  + " alert. An unreachable warehouse or S3 is retried without limit.")
          .define(
              RECONCILE_WINDOW_HOURS,
              Type.LONG,
              168L,
              Range.atLeast(0),
              Importance.MEDIUM,
              "At start, load every manifest in S3 created in the last this many hours whose files"
                  + " are not in load_ledger (expired from the manifest topic, set aside, or never"
                  + " delivered). Keep it at least the manifest topic's retention (Kafka's default: 7"
                  + " days = 168). 0 = off.")
          .define(
              SNOWFLAKE_URL,
              Type.STRING,
              "",
              Importance.HIGH,
              "jdbc:snowflake://<account>.snowflakecomputing.com/")
          .define(
              SNOWFLAKE_USER,
              Type.STRING,
              "",
              Importance.HIGH,
              "Snowflake user (key-pair authentication).")
          .define(SNOWFLAKE_ROLE, Type.STRING, "", Importance.MEDIUM, "Role.")
          .define(SNOWFLAKE_WAREHOUSE, Type.STRING, "", Importance.MEDIUM, "Virtual warehouse.")
          .define(SNOWFLAKE_DATABASE, Type.STRING, "", Importance.MEDIUM, "Database.")
          .define(SNOWFLAKE_SCHEMA, Type.STRING, "", Importance.MEDIUM, "Schema.")
          .define(
              SNOWFLAKE_STAGE,
              Type.STRING,
              "lms_bronze_stage",
              Importance.MEDIUM,
              "External stage on the Bronze bucket's root (storage integration); see docs/snowflake.md.")
          .define(
              SNOWFLAKE_PRIVATE_KEY,
              Type.STRING,
              "",
              CommonKeys.SECRET_REFERENCE,
              Importance.HIGH,
              "Secret reference (aws-secretsmanager:/env:/file:) of the PKCS#8 PEM private key.")
          .define(
              SNOWFLAKE_PRIVATE_KEY_PASSPHRASE,
              Type.STRING,
              "",
              CommonKeys.SECRET_REFERENCE,
              Importance.LOW,
              "Secret reference of the key's passphrase, if encrypted.");

  public LoaderConfig(Map<String, ?> values) {
    super("loader", DEFINITION, values);
    S3Clients.checkKeyPair(this);
    for (String key : new String[] {DUCKDB_MEMORY_LIMIT, DUCKDB_CHECKPOINT_THRESHOLD}) {
      if (!DuckDbSettings.isSize(getString(key).trim())) {
        throw new ConfigException(
            key,
            getString(key),
            "not a size DuckDB reads, such as 256MB or 2GB (empty = DuckDB's default)");
      }
    }
    for (String method : getList(DUCKDB_DISABLED_COMPRESSION)) {
      if (!DuckDbSettings.isCompressionMethod(method)) {
        throw new ConfigException(
            DUCKDB_DISABLED_COMPRESSION,
            getList(DUCKDB_DISABLED_COMPRESSION),
            "'" + method + "' is not a DuckDB compression method name (such as fsst, dictionary)");
      }
    }
    if (getString(DIALECT).equals("snowflake")) {
      for (String key : new String[] {SNOWFLAKE_URL, SNOWFLAKE_USER, SNOWFLAKE_PRIVATE_KEY}) {
        if (getString(key).isEmpty()) {
          throw new ConfigException(key + " is required with " + DIALECT + "=snowflake");
        }
      }
    }
  }

  public static LoaderConfig load(Map<String, String> fileValues, Map<String, String> environment) {
    return new LoaderConfig(ServiceConfigFile.withEnvironment(DEFINITION, fileValues, environment));
  }

  /**
   * The embedded warehouse's resource settings; its spill files go under {@code spillDirectory}.
   */
  public DuckDbSettings duckDbSettings(Path spillDirectory) {
    return new DuckDbSettings(
        getString(DUCKDB_MEMORY_LIMIT).trim(),
        getInt(DUCKDB_THREADS),
        getString(DUCKDB_CHECKPOINT_THRESHOLD).trim(),
        getLong(DUCKDB_CHECKPOINT_ROWS),
        getList(DUCKDB_DISABLED_COMPRESSION),
        spillDirectory,
        getBoolean(DUCKDB_RAW_KEEP));
  }

  /** Micro-batches bounded by this config's files, bytes and rows caps. */
  public BatchCoalescer coalescer() {
    return new BatchCoalescer(getInt(MAX_FILES), getLong(MAX_BYTES), getLong(MAX_ROWS));
  }

  /** Kafka is needed to follow the manifest topic, not to replay from S3. */
  public void requireKafka() {
    for (String key : new String[] {BOOTSTRAP_SERVERS, REGISTRY_URL}) {
      if (getString(key).isEmpty()) {
        throw new ConfigException(key + " is required to follow the manifest topic");
      }
    }
  }
}
