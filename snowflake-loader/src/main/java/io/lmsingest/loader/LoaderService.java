package io.lmsingest.loader;

import io.lmsingest.kit.alert.Alerts;
import io.lmsingest.kit.alert.LagAlarm;
import io.lmsingest.kit.metrics.ServiceMetrics;
import io.lmsingest.kit.runtime.Readiness;
import io.lmsingest.kit.runtime.Service;
import io.lmsingest.loader.batch.BatchLoader;
import io.lmsingest.loader.source.BatchCadence;
import io.lmsingest.loader.source.ManifestFollower;
import io.lmsingest.loader.warehouse.Warehouse;
import io.lmsingest.schemas.BronzeManifest;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The loader as a service: follows the manifest topic and loads each micro-batch into the
 * warehouse.
 */
final class LoaderService implements Service {
  private static final Logger LOG = LoggerFactory.getLogger(LoaderService.class);

  private final S3Client s3;
  private final Warehouse warehouse;
  private final KafkaConsumer<String, BronzeManifest> consumer;
  private final ManifestFollower follower;
  private final ServiceMetrics metrics;
  private final LagAlarm lagAlarm;
  private volatile String lastFailure;
  private int failuresInARow;

  /** The alert raised while a batch keeps failing. */
  static final String BATCH_FAILING = "loader-batch-failing";

  /** A batch that failed this many times in a row raises an alert. */
  static final int ALERT_AFTER_FAILURES = 5;

  LoaderService(
      LoaderConfig config,
      S3Client s3,
      Warehouse warehouse,
      KafkaConsumer<String, BronzeManifest> consumer,
      Alerts alerts,
      ServiceMetrics metrics,
      LagAlarm lagAlarm,
      Clock clock) {
    this.lagAlarm = lagAlarm;
    this.metrics = LoaderMetrics.declare(metrics);
    this.s3 = s3;
    this.warehouse = warehouse;
    this.consumer = consumer;
    BatchLoader loader = new BatchLoader(warehouse, clock);
    this.follower =
        new ManifestFollower(
            consumer,
            config.getString(LoaderConfig.MANIFEST_TOPIC),
            loader,
            config.coalescer(),
            new BatchCadence(
                Duration.ofMillis(config.getLong(LoaderConfig.MIN_INTERVAL_MS)),
                config.getInt(LoaderConfig.MAX_FILES),
                clock),
            result -> {
              lastFailure = null;
              failuresInARow = 0;
              alerts.resolve(BATCH_FAILING);
              LoaderMetrics.record(metrics, result);
              freshness(warehouse)
                  .ifPresent(ms -> metrics.set(LoaderMetrics.FRESHNESS, ms / 1000.0));
            },
            failure -> {
              lastFailure = failure.getClass().getSimpleName() + ": " + failure.getMessage();
              metrics.increment("lms_loader_failures_total");
              if (++failuresInARow >= ALERT_AFTER_FAILURES) {
                alerts.raise(
                    BATCH_FAILING,
                    "a warehouse batch keeps failing (COPY/MERGE rolled back)",
                    failuresInARow
                        + " attempts in a row; last: "
                        + failure.getClass().getSimpleName(),
                    "read the loader's log for the statement and error; fix the warehouse (grants,"
                        + " stage, storage integration, space); the batch is retried by itself and"
                        + " nothing behind it is lost");
              }
            });
  }

  @Override
  public void run() {
    follower.run();
  }

  @Override
  public void stop() {
    follower.stop();
  }

  @Override
  public ServiceMetrics metrics() {
    return metrics;
  }

  /** Not ready while a batch keeps failing (it is rolled back and retried). */
  @Override
  public Readiness readiness() {
    String failure = lastFailure;
    return failure == null
        ? Readiness.READY
        : Readiness.notReady("the last batch failed and is being retried: " + failure);
  }

  /** now − max(updated_at) in ANALYTICS_READY, in milliseconds. */
  static Optional<Long> freshness(Warehouse warehouse) {
    try (Statement st = warehouse.connection().createStatement();
        ResultSet rs = st.executeQuery("SELECT MAX(updated_at) FROM analytics_ready")) {
      rs.next();
      Timestamp max = rs.getTimestamp(1);
      return max == null
          ? Optional.empty()
          : Optional.of(
              Duration.between(max.toLocalDateTime().toInstant(ZoneOffset.UTC), Instant.now())
                  .toMillis());
    } catch (SQLException e) {
      LOG.warn("freshness not measured: {}", e.toString());
      return Optional.empty();
    }
  }

  @Override
  public void close() throws Exception {
    try (S3Client s3Client = s3;
        Warehouse w = warehouse;
        LagAlarm alarm = lagAlarm) {
      consumer.close();
    }
  }
}
