package io.lmsingest.loader;

import io.lmsingest.config.GracefulStop;
import io.lmsingest.config.S3Clients;
import io.lmsingest.config.ServiceConfigFile;
import io.lmsingest.loader.batch.BatchCoalescer;
import io.lmsingest.loader.batch.BatchLoader;
import io.lmsingest.loader.batch.BatchResult;
import io.lmsingest.loader.batch.MicroBatch;
import io.lmsingest.loader.source.ManifestFollower;
import io.lmsingest.loader.source.ManifestReplay;
import io.lmsingest.loader.warehouse.DuckDbWarehouse;
import io.lmsingest.loader.warehouse.Migrations;
import io.lmsingest.loader.warehouse.SnowflakePrivateKey;
import io.lmsingest.loader.warehouse.SnowflakeWarehouse;
import io.lmsingest.loader.warehouse.Warehouse;
import io.lmsingest.observability.MetricsEndpoint;
import io.lmsingest.observability.ServiceMetrics;
import io.lmsingest.schemas.BronzeManifest;
import io.lmsingest.secrets.EnvironmentSecretSource;
import io.lmsingest.secrets.FileSecretSource;
import io.lmsingest.secrets.SecretReference;
import io.lmsingest.secrets.SecretsProvider;
import io.lmsingest.serde.RegistryAvroDeserializer;
import io.lmsingest.serde.RegistrySerdeConfig;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;

/** Builds the loader from its config and runs it: following the manifest topic, or replaying manifests from S3. */
public final class LoaderApp {
  private static final Logger LOG = LoggerFactory.getLogger(LoaderApp.class);

  private LoaderApp() {}

  /** The loader as a process: {@code LoaderApp <config.properties>}. */
  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: LoaderApp <config.properties>");
      System.exit(2);
    }
    System.exit(runUntilStopped(LoaderConfig.load(ServiceConfigFile.read(Path.of(args[0])), System.getenv())));
  }

  /** Opens the configured warehouse and brings its tables up to the latest DDL version. */
  public static Warehouse openWarehouse(LoaderConfig config, S3Client s3) throws Exception {
    Warehouse warehouse;
    if (config.getString(LoaderConfig.DIALECT).equals("snowflake")) {
      SecretsProvider secrets = new SecretsProvider(
          Map.of(SecretReference.Scheme.ENV, new EnvironmentSecretSource(), SecretReference.Scheme.FILE, new FileSecretSource()),
          Duration.ofMinutes(5), Clock.systemUTC());
      String pem = secrets.get(SecretReference.parse(LoaderConfig.SNOWFLAKE_PRIVATE_KEY, config.getString(LoaderConfig.SNOWFLAKE_PRIVATE_KEY))).reveal();
      String passphraseRef = config.getString(LoaderConfig.SNOWFLAKE_PRIVATE_KEY_PASSPHRASE);
      Optional<char[]> passphrase = passphraseRef.isEmpty() ? Optional.empty()
          : Optional.of(secrets.get(SecretReference.parse(LoaderConfig.SNOWFLAKE_PRIVATE_KEY_PASSPHRASE, passphraseRef)).reveal().toCharArray());
      warehouse = new SnowflakeWarehouse(config.getString(LoaderConfig.SNOWFLAKE_STAGE), SnowflakeWarehouse.keyPair(
          config.getString(LoaderConfig.SNOWFLAKE_URL),
          SnowflakeWarehouse.connectionProperties(config.getString(LoaderConfig.SNOWFLAKE_USER), config.getString(LoaderConfig.SNOWFLAKE_ROLE),
              config.getString(LoaderConfig.SNOWFLAKE_WAREHOUSE), config.getString(LoaderConfig.SNOWFLAKE_DATABASE),
              config.getString(LoaderConfig.SNOWFLAKE_SCHEMA), SnowflakePrivateKey.parse(pem, passphrase))));
    } else {
      warehouse = new DuckDbWarehouse(Path.of(config.getString(LoaderConfig.DUCKDB_PATH)), s3, config.getString(LoaderConfig.BUCKET),
          Path.of(config.getString(LoaderConfig.STAGING_DIR)));
    }
    Migrations.apply(warehouse.connection(), warehouse.dialect());
    return warehouse;
  }

  static S3Client s3(LoaderConfig config) {
    return S3Clients.create(config.s3(), LoaderConfig.ACCESS_KEY_ID, LoaderConfig.SECRET_ACCESS_KEY);
  }

  /** Follows the manifest topic until SIGTERM; returns the exit code. */
  public static int runUntilStopped(LoaderConfig config) throws Exception {
    config.requireKafka();
    LOG.info("loader config {}", new java.util.TreeMap<>(config.values()));
    ServiceMetrics metrics = new ServiceMetrics();
    int port = config.getInt(LoaderConfig.METRICS_PORT);
    try (GracefulStop stop = GracefulStop.install("loader");
        S3Client s3 = s3(config);
        Warehouse warehouse = openWarehouse(config, s3);
        KafkaConsumer<String, BronzeManifest> consumer = consumer(config);
        AutoCloseable endpoint = port < 0 ? () -> {} : MetricsEndpoint.start("127.0.0.1", port, metrics::prometheus, () -> true)) {
      BatchLoader loader = new BatchLoader(warehouse, Clock.systemUTC());
      ManifestFollower follower = new ManifestFollower(consumer, config.getString(LoaderConfig.MANIFEST_TOPIC), loader,
          new BatchCoalescer(config.getInt(LoaderConfig.MAX_FILES), config.getLong(LoaderConfig.MAX_BYTES)), config.getInt(LoaderConfig.MAX_FILES),
          result -> {
            LoaderMetrics.record(metrics, result);
            freshness(warehouse).ifPresent(ms -> metrics.set("lms_loader_freshness_ms", ms));
          },
          failure -> metrics.increment("lms_loader_failures_total"));
      stop.onSignal(follower::stop);
      follower.run();
    } catch (RuntimeException e) {
      LOG.error("loader stopped: {}", e.toString(), e);
      return 1;
    }
    return 0;
  }

  /**
   * Re-loads from the manifests in S3 (no Kafka, no API): rebuilds a lost warehouse, or with
   * {@code force} loads files again although the ledger has them. Returns the batches' results.
   */
  public static List<BatchResult> replay(LoaderConfig config, Optional<Instant> from, boolean force) throws Exception {
    try (S3Client s3 = s3(config); Warehouse warehouse = openWarehouse(config, s3)) {
      List<BronzeManifest> manifests = ManifestReplay.read(s3, config.getString(LoaderConfig.BUCKET),
          config.getString(LoaderConfig.MANIFEST_PREFIX), from);
      LOG.info("replay loader: {} manifests{}{}", manifests.size(), from.map(f -> " created at or after " + f).orElse(""),
          force ? " (forced: files in the ledger are loaded again)" : "");
      BatchLoader loader = new BatchLoader(warehouse, Clock.systemUTC());
      List<BatchResult> results = new java.util.ArrayList<>();
      for (List<BronzeManifest> batch : new BatchCoalescer(config.getInt(LoaderConfig.MAX_FILES), config.getLong(LoaderConfig.MAX_BYTES))
          .coalesce(manifests)) {
        results.add(loader.load(MicroBatch.of(batch), force));
      }
      return results;
    }
  }

  /** now − max(updated_at) in ANALYTICS_READY, in milliseconds. */
  static Optional<Long> freshness(Warehouse warehouse) {
    try (Statement st = warehouse.connection().createStatement();
        ResultSet rs = st.executeQuery("SELECT MAX(updated_at) FROM analytics_ready")) {
      rs.next();
      java.sql.Timestamp max = rs.getTimestamp(1);
      return max == null ? Optional.empty()
          : Optional.of(Duration.between(max.toLocalDateTime().toInstant(java.time.ZoneOffset.UTC), Instant.now()).toMillis());
    } catch (java.sql.SQLException e) {
      LOG.warn("freshness not measured: {}", e.toString());
      return Optional.empty();
    }
  }

  static KafkaConsumer<String, BronzeManifest> consumer(LoaderConfig config) {
    Map<String, Object> props = new HashMap<>(config.kafkaOverrides());
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.getString(LoaderConfig.BOOTSTRAP_SERVERS));
    props.put(ConsumerConfig.GROUP_ID_CONFIG, config.getString(LoaderConfig.GROUP_ID));
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500);
    props.putIfAbsent(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, 15 * 60_000); // a large batch may merge for minutes
    RegistryAvroDeserializer<BronzeManifest> values = new RegistryAvroDeserializer<>();
    values.configure(Map.of(RegistrySerdeConfig.SCHEMA_REGISTRY_URL, config.getString(LoaderConfig.REGISTRY_URL),
        RegistrySerdeConfig.SPECIFIC_AVRO_READER, "true"), false);
    return new KafkaConsumer<>(props, new StringDeserializer(), values);
  }
}
