package io.lmsingest.loader;

import io.lmsingest.kit.alert.AlertChannels;
import io.lmsingest.kit.alert.Alerts;
import io.lmsingest.kit.alert.LagAlarm;
import io.lmsingest.kit.aws.S3Clients;
import io.lmsingest.kit.config.RegistryAccess;
import io.lmsingest.kit.metrics.ServiceMetrics;
import io.lmsingest.kit.runtime.ProcessWorkDir;
import io.lmsingest.kit.runtime.ServiceRunner;
import io.lmsingest.kit.secrets.ServiceSecrets;
import io.lmsingest.loader.batch.BatchLoader;
import io.lmsingest.loader.batch.BatchResult;
import io.lmsingest.loader.batch.LoadAttempts;
import io.lmsingest.loader.check.CheckReport;
import io.lmsingest.loader.check.SnowflakeCheck;
import io.lmsingest.loader.manifest.MicroBatch;
import io.lmsingest.loader.source.ManifestReplay;
import io.lmsingest.loader.warehouse.DuckDbWarehouse;
import io.lmsingest.loader.warehouse.Migrations;
import io.lmsingest.loader.warehouse.SnowflakePrivateKey;
import io.lmsingest.loader.warehouse.SnowflakeWarehouse;
import io.lmsingest.loader.warehouse.Warehouse;
import io.lmsingest.schemas.BronzeLayout;
import io.lmsingest.schemas.BronzeManifest;
import io.lmsingest.serde.RegistryAvroDeserializer;
import io.lmsingest.serde.RegistrySerdeConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Builds the loader from its config and runs it: following the manifest topic, or replaying
 * manifests from S3.
 */
public final class LoaderApp {
  private static final Logger LOG = LoggerFactory.getLogger(LoaderApp.class);

  private LoaderApp() {}

  /** The loader as a process: {@code LoaderApp <config.properties>}. */
  public static void main(String[] args) {
    ServiceRunner.main("loader", args, LoaderConfig::load, LoaderApp::create);
  }

  /** Follows the manifest topic until SIGTERM; returns the exit code. */
  public static int runUntilStopped(LoaderConfig config) {
    return ServiceRunner.run(config, LoaderApp::create);
  }

  static LoaderService create(LoaderConfig config) throws Exception {
    config.requireKafka();
    ServiceSecrets secrets = ServiceSecrets.of(config, Clock.systemUTC());
    S3Client s3 = S3Clients.create(config, secrets);
    Warehouse warehouse = openWarehouse(config, secrets, s3);
    ServiceMetrics metrics = new ServiceMetrics();
    Alerts alerts = AlertChannels.of(config, secrets, metrics, Clock.systemUTC());
    LagAlarm lagAlarm =
        LagAlarm.start(
            config,
            config.getString(LoaderConfig.GROUP_ID),
            config.getString(LoaderConfig.MANIFEST_TOPIC),
            alerts,
            Clock.systemUTC());
    return new LoaderService(
        config,
        s3,
        warehouse,
        consumer(config, secrets),
        alerts,
        metrics,
        lagAlarm,
        Clock.systemUTC());
  }

  /** Opens the configured warehouse and brings its tables up to the latest DDL version. */
  public static Warehouse openWarehouse(LoaderConfig config, ServiceSecrets secrets, S3Client s3)
      throws Exception {
    Warehouse warehouse;
    if (config.getString(LoaderConfig.DIALECT).equals("snowflake")) {
      warehouse =
          new SnowflakeWarehouse(
              config.getString(LoaderConfig.SNOWFLAKE_STAGE),
              SnowflakeWarehouse.keyPair(
                  config.getString(LoaderConfig.SNOWFLAKE_URL),
                  SnowflakeWarehouse.connectionProperties(
                      config.getString(LoaderConfig.SNOWFLAKE_USER),
                      config.getString(LoaderConfig.SNOWFLAKE_ROLE),
                      config.getString(LoaderConfig.SNOWFLAKE_WAREHOUSE),
                      config.getString(LoaderConfig.SNOWFLAKE_DATABASE),
                      config.getString(LoaderConfig.SNOWFLAKE_SCHEMA),
                      snowflakeKey(config, secrets))));
    } else {
      Path staging = ProcessWorkDir.claim(Path.of(config.getString(LoaderConfig.STAGING_DIR)));
      warehouse =
          new DuckDbWarehouse(
              Path.of(config.getString(LoaderConfig.DUCKDB_PATH)),
              config.duckDbSettings(staging.resolve("duckdb-spill")),
              s3,
              config.getString(LoaderConfig.BUCKET),
              staging);
    }
    Migrations.apply(warehouse.connection(), warehouse.dialect());
    return warehouse;
  }

  /**
   * The Snowflake private key, read through the service's secrets and parsed (PKCS#8 PEM,
   * optionally encrypted).
   */
  public static PrivateKey snowflakeKey(LoaderConfig config, ServiceSecrets secrets)
      throws Exception {
    String pem = secrets.get(LoaderConfig.SNOWFLAKE_PRIVATE_KEY).reveal();
    Optional<char[]> passphrase =
        secrets
            .optional(LoaderConfig.SNOWFLAKE_PRIVATE_KEY_PASSPHRASE)
            .map(p -> p.reveal().toCharArray());
    return SnowflakePrivateKey.parse(pem, passphrase);
  }

  /**
   * Re-loads from the manifests in S3 (no Kafka, no API): rebuilds a lost warehouse, or with {@code
   * force} loads files again although the ledger has them. Returns the batches' results. Batches go
   * through the service's {@link LoadAttempts}: an unreachable S3 or warehouse is waited for, a
   * batch too large for the warehouse's memory is split, and a file that never loads is set aside
   * in load_quarantined_files while the rest loads; then the replay fails naming it.
   */
  public static List<BatchResult> replay(LoaderConfig config, Optional<Instant> from, boolean force)
      throws Exception {
    ServiceSecrets secrets = ServiceSecrets.of(config, Clock.systemUTC());
    try (S3Client s3 = S3Clients.create(config, secrets);
        Warehouse warehouse = openWarehouse(config, secrets, s3)) {
      LOG.info(
          "replay loader: manifests{}{}, streamed from s3://{}/{}",
          from.map(f -> " created at or after " + f).orElse(""),
          force ? " (forced: files in the ledger are loaded again)" : "",
          config.getString(LoaderConfig.BUCKET),
          config.getString(LoaderConfig.MANIFEST_PREFIX));
      List<BatchResult> results = new ArrayList<>();
      List<String> setAside = new ArrayList<>();
      LoadAttempts attempts =
          new LoadAttempts(
              new BatchLoader(warehouse, Clock.systemUTC()),
              config.getInt(LoaderConfig.MAX_ATTEMPTS),
              LoadAttempts.BACKOFF,
              LoadAttempts.surroundingsOf(warehouse),
              () -> false,
              force,
              new LoadAttempts.Listener() {
                @Override
                public void loaded(BatchResult result) {
                  results.add(result);
                }

                @Override
                public void failed(
                    MicroBatch batch, Exception failure, int attempt, boolean surroundings) {
                  // LoadAttempts logs each failure with what happens next.
                }

                @Override
                public void quarantined(MicroBatch batch, Exception failure, int attempts) {
                  setAside.addAll(batch.keys());
                }
              });
      config
          .coalescer()
          .coalesce(
              ManifestReplay.manifests(
                  s3,
                  config.getString(LoaderConfig.BUCKET),
                  config.getString(LoaderConfig.MANIFEST_PREFIX),
                  from),
              attempts::load);
      if (!setAside.isEmpty()) {
        throw new IllegalStateException(
            "replay loader: "
                + setAside.size()
                + " Bronze file(s) never loaded and were set aside in load_quarantined_files"
                + " (reason there); everything else is loaded. First: "
                + setAside.get(0));
      }
      LOG.info(
          "replay loader: {} batches, {} files loaded",
          results.size(),
          results.stream().mapToLong(BatchResult::files).sum());
      return results;
    }
  }

  /**
   * {@code loader check}: checks, read-only, that the configured Snowflake account has everything
   * the loader needs, prints each check with its fix, and returns the exit code (0 ready, 1 a check
   * failed, 2 not a Snowflake config).
   */
  public static int check(LoaderConfig config, PrintWriter out) throws Exception {
    if (!config.getString(LoaderConfig.DIALECT).equals("snowflake")) {
      out.println(
          "loader check: warehouse.dialect is "
              + config.getString(LoaderConfig.DIALECT)
              + "; the check is for a Snowflake account (warehouse.dialect=snowflake)");
      return 2;
    }
    ServiceSecrets secrets = ServiceSecrets.of(config, Clock.systemUTC());
    PrivateKey key = snowflakeKey(config, secrets);
    Optional<String> bronzeKey = Optional.empty();
    try (S3Client s3 = S3Clients.create(config, secrets)) {
      bronzeKey =
          s3
              .listObjectsV2(
                  b ->
                      b.bucket(config.getString(LoaderConfig.BUCKET))
                          .prefix(BronzeLayout.BRONZE_PREFIX + "/")
                          .maxKeys(1))
              .contents()
              .stream()
              .map(o -> o.key())
              .findFirst();
    } catch (RuntimeException e) {
      out.println(
          "loader check: cannot list Bronze in s3://"
              + config.getString(LoaderConfig.BUCKET)
              + " ("
              + e.getMessage()
              + "); the checks that read a file are skipped");
    }
    SnowflakeCheck.Target target =
        new SnowflakeCheck.Target(
            config.getString(LoaderConfig.SNOWFLAKE_USER),
            config.getString(LoaderConfig.SNOWFLAKE_ROLE),
            config.getString(LoaderConfig.SNOWFLAKE_WAREHOUSE),
            config.getString(LoaderConfig.SNOWFLAKE_DATABASE),
            config.getString(LoaderConfig.SNOWFLAKE_SCHEMA),
            config.getString(LoaderConfig.SNOWFLAKE_STAGE),
            config.getString(LoaderConfig.BUCKET));
    CheckReport report =
        new SnowflakeCheck(
                target,
                SnowflakeWarehouse.keyPair(
                    config.getString(LoaderConfig.SNOWFLAKE_URL),
                    SnowflakeWarehouse.connectionProperties(
                        target.user(),
                        target.role(),
                        target.warehouse(),
                        target.database(),
                        target.schema(),
                        key)),
                bronzeKey,
                SnowflakePrivateKey.publicKeyFingerprint(key))
            .run();
    report.print(out);
    return report.exitCode();
  }

  static KafkaConsumer<String, BronzeManifest> consumer(
      LoaderConfig config, ServiceSecrets secrets) {
    Map<String, Object> props = config.kafkaClientConfig();
    props.put(ConsumerConfig.GROUP_ID_CONFIG, config.getString(LoaderConfig.GROUP_ID));
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    // Never a silent jump: a new group starts from the beginning, and offsets that retention
    // deleted are reconciled from S3 first (ManifestFollower).
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
    props.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500);
    props.putIfAbsent(
        ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG,
        15 * 60_000); // a large batch may merge for minutes
    RegistryAvroDeserializer<BronzeManifest> values = new RegistryAvroDeserializer<>();
    Map<String, Object> serde = RegistryAccess.serdeConfig(config, secrets);
    serde.put(RegistrySerdeConfig.SPECIFIC_AVRO_READER, "true");
    values.configure(serde, false);
    return new KafkaConsumer<>(props, new StringDeserializer(), values);
  }
}
