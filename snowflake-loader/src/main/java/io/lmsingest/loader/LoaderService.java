package io.lmsingest.loader;

import io.lmsingest.kit.alert.Alerts;
import io.lmsingest.kit.alert.LagAlarm;
import io.lmsingest.kit.metrics.ServiceMetrics;
import io.lmsingest.kit.runtime.Readiness;
import io.lmsingest.kit.runtime.Service;
import io.lmsingest.loader.batch.BatchLoader;
import io.lmsingest.loader.batch.BatchResult;
import io.lmsingest.loader.batch.LoadAttempts;
import io.lmsingest.loader.manifest.BatchCoalescer;
import io.lmsingest.loader.manifest.MicroBatch;
import io.lmsingest.loader.source.BatchCadence;
import io.lmsingest.loader.source.ManifestFollower;
import io.lmsingest.loader.source.ManifestReplay;
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
import java.util.concurrent.atomic.AtomicBoolean;
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
  private final LoadAttempts attempts;
  private final BatchCoalescer coalescer;
  private final String bucket;
  private final String manifestPrefix;
  private final Duration reconcileWindow;
  private final Clock clock;
  private final ServiceMetrics metrics;
  private final LagAlarm lagAlarm;
  private final AtomicBoolean stopping = new AtomicBoolean();
  private volatile String lastFailure;
  private int failuresInARow;

  /** The alert raised while a batch keeps failing. */
  static final String BATCH_FAILING = "loader-batch-failing";

  /** The alert raised when files are set aside. */
  static final String FILES_QUARANTINED = "loader-files-quarantined";

  /** The alert raised when retention deleted manifests before they were loaded. */
  static final String MANIFESTS_EXPIRED = "loader-manifests-expired";

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
    this.clock = clock;
    this.coalescer = config.coalescer();
    this.bucket = config.getString(LoaderConfig.BUCKET);
    this.manifestPrefix = config.getString(LoaderConfig.MANIFEST_PREFIX);
    this.reconcileWindow = Duration.ofHours(config.getLong(LoaderConfig.RECONCILE_WINDOW_HOURS));
    this.attempts =
        new LoadAttempts(
            new BatchLoader(warehouse, clock),
            config.getInt(LoaderConfig.MAX_ATTEMPTS),
            LoadAttempts.BACKOFF,
            LoadAttempts.surroundingsOf(warehouse),
            stopping::get,
            false,
            new LoadAttempts.Listener() {
              @Override
              public void loaded(BatchResult result) {
                lastFailure = null;
                failuresInARow = 0;
                alerts.resolve(BATCH_FAILING);
                LoaderMetrics.record(metrics, result);
                freshness(warehouse)
                    .ifPresent(ms -> metrics.set(LoaderMetrics.FRESHNESS, ms / 1000.0));
              }

              @Override
              public void failed(
                  MicroBatch batch, Exception failure, int attempt, boolean surroundings) {
                lastFailure = failure.getClass().getSimpleName() + ": " + failure.getMessage();
                metrics.increment("lms_loader_failures_total");
                if (++failuresInARow >= ALERT_AFTER_FAILURES) {
                  alerts.raise(
                      BATCH_FAILING,
                      "a warehouse batch keeps failing (COPY/MERGE rolled back)",
                      failuresInARow
                          + " attempts in a row; last: "
                          + failure.getClass().getSimpleName(),
                      surroundings
                          ? "the warehouse or S3 is unavailable; the batch is retried until it is"
                              + " back and nothing behind it is lost"
                          : "read the loader's log for the statement and error; after "
                              + LoaderConfig.MAX_ATTEMPTS
                              + " failures the batch is loaded manifest by manifest and a bad one"
                              + " is set aside in load_quarantined_files");
                }
              }

              @Override
              public void quarantined(MicroBatch batch, Exception failure, int attempts) {
                metrics.add(LoaderMetrics.FILES_QUARANTINED, batch.files().size());
                alerts.raise(
                    FILES_QUARANTINED,
                    "the loader set Bronze files aside that keep failing to load",
                    batch.files().size()
                        + " file(s) after "
                        + attempts
                        + " attempts: "
                        + batch.keys()
                        + "; last error: "
                        + failure,
                    "SELECT * FROM load_quarantined_files WHERE file_key NOT IN (SELECT file_key"
                        + " FROM load_ledger) lists them; fix the cause, then `replay loader`"
                        + " (or a loader restart, which reconciles the last "
                        + LoaderConfig.RECONCILE_WINDOW_HOURS
                        + ") loads them");
              }
            });
    this.follower =
        new ManifestFollower(
            consumer,
            config.getString(LoaderConfig.MANIFEST_TOPIC),
            coalescer,
            new BatchCadence(
                Duration.ofMillis(config.getLong(LoaderConfig.MIN_INTERVAL_MS)),
                config.getInt(LoaderConfig.MAX_FILES),
                clock),
            attempts,
            () -> {
              alerts.raise(
                  MANIFESTS_EXPIRED,
                  "the manifest topic's retention deleted manifests before the loader loaded them",
                  "the loader's committed offsets are older than the topic's first offset; it"
                      + " reconciles with every manifest in S3, so nothing is lost",
                  "raise retention.ms of the manifest topic above the longest loader outage (and"
                      + " keep reconcile.window.hours at least as long)");
              reconcile(Optional.empty());
            });
  }

  /**
   * Loads every manifest in S3 (created in {@code from} or later) whose files are not in the
   * ledger: what the manifest topic no longer holds (retention) or never delivered is not lost.
   * Files in the ledger cost one query per batch. Returns false only if the loader is stopping.
   */
  boolean reconcile(Optional<Instant> from) {
    long started = System.nanoTime();
    long[] files = {0};
    long loadedBefore = metrics.get("lms_loader_files_total");
    boolean[] done = {true};
    try {
      coalescer.coalesce(
          ManifestReplay.manifests(s3, bucket, manifestPrefix, from),
          batch -> {
            files[0] += batch.stream().mapToInt(m -> m.getFiles().size()).sum();
            if (done[0] && !attempts.load(batch)) {
              done[0] = false;
            }
          });
    } catch (Exception e) {
      // S3 unreadable: the follower goes on (true); the next start (or expiry) reconciles again.
      LOG.warn(
          "alert=true loader reconcile with s3://{}/{} failed: {}; following the topic anyway",
          bucket,
          manifestPrefix,
          e.toString());
      return true;
    }
    LOG.info(
        "loader reconcile: {} file(s) in S3 manifests{}, {} loaded now (the rest were in the"
            + " ledger), in {} ms",
        files[0],
        from.map(f -> " created since " + f).orElse(""),
        metrics.get("lms_loader_files_total") - loadedBefore,
        (System.nanoTime() - started) / 1_000_000);
    return done[0];
  }

  @Override
  public void run() {
    if (!reconcileWindow.isZero()
        && !reconcile(Optional.of(clock.instant().minus(reconcileWindow)))) {
      return;
    }
    follower.run();
  }

  @Override
  public void stop() {
    stopping.set(true);
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
