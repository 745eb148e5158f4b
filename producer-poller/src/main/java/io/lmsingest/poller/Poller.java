package io.lmsingest.poller;

import io.lmsingest.kit.alert.Alerts;
import io.lmsingest.kit.metrics.ServiceMetrics;
import io.lmsingest.kit.runtime.Backoff;
import io.lmsingest.kit.runtime.Heartbeat;
import io.lmsingest.kit.runtime.Readiness;
import io.lmsingest.poller.api.ActivityApiClient;
import io.lmsingest.poller.api.ApiFailure;
import io.lmsingest.poller.api.PageRequest;
import io.lmsingest.poller.kafka.HighWaterMark;
import io.lmsingest.poller.kafka.PageWriter;
import io.lmsingest.poller.retry.RateLimiter;
import io.lmsingest.schemas.DlqHeaders;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The poll loop: page after page, back to back while the API has more, then every idle interval.
 * Each page is one Kafka transaction ({@link PageWriter}); a failed page is retried from the same
 * request with nothing of it visible, so the API's data reaches Kafka exactly once.
 */
public final class Poller implements Runnable {
  /** Alert incidents of the poller. */
  static final String KEY_REJECTED = "lms-api-key-rejected";

  static final String REQUESTS_REJECTED = "lms-api-rejects-requests";
  static final String OUTAGE = "ingestion-outage";

  private static final Logger LOG = LoggerFactory.getLogger(Poller.class);

  /** What the loop needs besides its parts. */
  public record Settings(
      String source,
      Duration idleInterval,
      Backoff backoff,
      Duration outageAlertAfter,
      Duration stallAfter) {}

  private final Settings settings;
  private final Heartbeat heartbeat;
  private final ActivityApiClient api;
  private final PageWriter writer;
  private final RateLimiter rateLimiter;
  private final Runnable refreshApiKey;
  private final Alerts alerts;
  private final Clock clock;
  private final ServiceMetrics metrics;
  private volatile boolean stopping;

  /** Why pages are failing now (null while the last page succeeded), for /ready. */
  private volatile String failing;

  private HighWaterMark mark;

  public Poller(
      Settings settings,
      ActivityApiClient api,
      PageWriter writer,
      HighWaterMark start,
      RateLimiter rateLimiter,
      Runnable refreshApiKey,
      Alerts alerts,
      Clock clock,
      ServiceMetrics metrics) {
    this.settings = settings;
    this.heartbeat = new Heartbeat(clock, settings.stallAfter());
    this.api = api;
    this.writer = writer;
    this.mark = start;
    this.rateLimiter = rateLimiter;
    this.refreshApiKey = refreshApiKey;
    this.alerts = alerts;
    this.clock = clock;
    this.metrics =
        metrics
            .counter(
                "lms_poller_pages_total", "API pages committed to the raw topic with their cursor.")
            .counter("lms_poller_records_total", "Records committed to the raw topic.")
            .counter(
                "lms_poller_records_rejected_total",
                "API records that could not be read as an activity, sent to the DLQ.")
            .counter("lms_poller_api_seconds_total", "Time spent fetching pages from the LMS API.")
            .counter(
                "lms_poller_retries_total",
                "Pages that failed and were tried again, by cause.",
                "cause")
            .gauge("lms_poller_cursor_lag_seconds", "Now minus the committed cursor's updated_at.");
    for (ApiFailure.Kind kind : ApiFailure.Kind.values()) {
      metrics.known("lms_poller_retries_total{cause=" + kind.name().toLowerCase() + "}");
    }
    metrics.known("lms_poller_retries_total{cause=kafka}");
    metrics.known("lms_poller_records_rejected_total"); // at 0 from the first scrape
  }

  public HighWaterMark mark() {
    return mark;
  }

  /** Ready while pages succeed; not ready, with since when and why, while they fail. */
  public Readiness readiness() {
    if (!heartbeat.alive()) {
      return Readiness.notReady(
          "the poll loop has not turned for " + heartbeat.silence().toSeconds() + " s (stuck)");
    }
    String reason = failing;
    return reason == null ? Readiness.READY : Readiness.notReady(reason);
  }

  /**
   * False when the loop has not turned for {@code stallAfter}: every page is bounded by the API
   * timeout and every wait by the backoff, so only a hung call gets here.
   */
  public boolean alive() {
    return heartbeat.alive();
  }

  /** Asks the loop to stop after the current page. */
  public void stop() {
    stopping = true;
  }

  @Override
  public void run() {
    LOG.info(
        "poller source={} starting after updated_at={} activity_id={}",
        settings.source(),
        mark.updatedAt(),
        mark.activityId());
    PageRequest request = PageRequest.since(mark.updatedAt());
    int attempt = 0;
    boolean keyRefreshed = false;
    Instant failingSince = null;
    boolean alerted = false;
    while (!stopping) {
      heartbeat.beat();
      pause(rateLimiter.reserve(System.nanoTime()));
      long started = System.nanoTime();
      final PageRequest current = request;
      try {
        PageWriter.Committed page = writer.write(mark, sink -> api.fetch(current, sink));
        metrics.addSeconds(
            "lms_poller_api_seconds_total", Duration.ofNanos(System.nanoTime() - started));
        metrics.increment("lms_poller_pages_total");
        metrics.add("lms_poller_records_total", page.written());
        if (page.rejected() > 0) {
          metrics.add("lms_poller_records_rejected_total", page.rejected());
          LOG.warn(
              "poller source={} sent {} unparsable record(s) of a page to the DLQ (lms.dlq.rule={})"
                  + " and went on",
              settings.source(),
              page.rejected(),
              DlqHeaders.UNPARSABLE_RECORD);
        }
        mark = page.mark();
        metrics.set(
            "lms_poller_cursor_lag_seconds",
            Duration.between(mark.updatedAt(), clock.instant()).toMillis() / 1000.0);
        if (failingSince != null) {
          LOG.info(
              "poller source={} recovered after {} s of failures",
              settings.source(),
              Duration.between(failingSince, clock.instant()).toSeconds());
        }
        attempt = 0;
        keyRefreshed = false;
        failingSince = null;
        failing = null;
        if (alerted) {
          alerts.resolve(KEY_REJECTED);
          alerts.resolve(REQUESTS_REJECTED);
          alerts.resolve(OUTAGE);
        }
        alerted = false;
        if (page.page().hasMore()) {
          request = page.page().next().orElseThrow();
        } else {
          request = PageRequest.since(mark.updatedAt());
          pause(settings.idleInterval());
        }
      } catch (ApiFailure e) {
        metrics.increment("lms_poller_retries_total{cause=" + e.kind().name().toLowerCase() + "}");
        if (failingSince == null) {
          failingSince = clock.instant();
        }
        Duration wait;
        switch (e.kind()) {
          case RATE_LIMITED ->
              wait =
                  e.retryAfter()
                      .orElseGet(
                          () ->
                              settings.backoff().delay(1, ThreadLocalRandom.current()::nextDouble));
          case UNAUTHORIZED -> {
            if (!keyRefreshed) {
              keyRefreshed = true;
              LOG.warn(
                  "poller source={} API key rejected; reading it again from its secret store",
                  settings.source());
              refreshApiKey.run();
              continue;
            }
            alerts.raise(
                KEY_REJECTED,
                "the LMS API rejects the API key of source " + settings.source(),
                e.getMessage() + " (after reading the key again from its secret store)",
                "put the right key in the secret lms.api.key refers to; the poller reads it again"
                    + " every secrets.cache.ttl.ms and goes on by itself");
            alerted = true;
            wait = settings.backoff().max();
          }
          case REJECTED -> {
            alerts.raise(
                REQUESTS_REJECTED,
                "the LMS API rejects the poller's requests for source " + settings.source(),
                e.getMessage(),
                "check lms.api.url, lms.api.pagination and the API's changelog; the poller retries"
                    + " at the longest backoff");
            alerted = true;
            wait = settings.backoff().max();
          }
          default ->
              wait = settings.backoff().delay(++attempt, ThreadLocalRandom.current()::nextDouble);
        }
        LOG.warn(
            "poller source={} page failed ({}): {}; retrying in {} ms",
            settings.source(),
            e.kind(),
            e.getMessage(),
            wait.toMillis());
        failing = "LMS API pages failing since " + failingSince + " (" + e.kind() + ")";
        alerted = alertOnOutage(failingSince, alerted, e.getMessage());
        pause(wait);
      } catch (PageWriter.FatalProducerException e) {
        throw e;
      } catch (KafkaException e) {
        metrics.increment("lms_poller_retries_total{cause=kafka}");
        if (failingSince == null) {
          failingSince = clock.instant();
        }
        Duration wait =
            settings.backoff().delay(++attempt, ThreadLocalRandom.current()::nextDouble);
        LOG.warn(
            "poller source={} Kafka write failed: {}; {}, retrying in {} ms",
            settings.source(),
            e.toString(),
            e instanceof PageWriter.CommitTimedOutException
                ? "the page's commit is pending (its outcome unknown)"
                : "page aborted",
            wait.toMillis());
        failing =
            "Kafka writes failing since "
                + failingSince
                + " ("
                + e.getClass().getSimpleName()
                + ")";
        alerted = alertOnOutage(failingSince, alerted, e.toString());
        pause(wait);
      }
    }
    LOG.info(
        "poller source={} stopped at updated_at={} activity_id={}",
        settings.source(),
        mark.updatedAt(),
        mark.activityId());
  }

  private boolean alertOnOutage(Instant failingSince, boolean alerted, String detail) {
    if (!alerted
        && Duration.between(failingSince, clock.instant()).compareTo(settings.outageAlertAfter())
            >= 0) {
      alerts.raise(
          OUTAGE,
          "LMS ingestion failing for over "
              + settings.outageAlertAfter().toSeconds()
              + " s (source "
              + settings.source()
              + ")",
          detail,
          "check the LMS API's status and the network (or Kafka, if the detail names it); the"
              + " poller retries with backoff and resumes from its committed cursor");
      return true;
    }
    return alerted;
  }

  private void pause(Duration duration) {
    if (duration.isZero() || duration.isNegative()) {
      return;
    }
    try {
      Thread.sleep(duration.toMillis(), 0);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopping = true;
    }
  }
}
