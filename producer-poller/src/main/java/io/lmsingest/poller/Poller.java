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
  static final String LATER_THAN_LOOK_BACK = "lms-api-changes-later-than-look-back";

  private static final Logger LOG = LoggerFactory.getLogger(Poller.class);

  /** What the loop needs besides its parts. */
  public record Settings(
      String source,
      Duration idleInterval,
      Backoff backoff,
      Duration outageAlertAfter,
      Duration stallAfter,
      Duration lookBack,
      Duration lookBackInterval) {}

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

  /** The look-back never reads before where a new source was told to start. */
  private final Instant lookBackFloor;

  public Poller(
      Settings settings,
      ActivityApiClient api,
      PageWriter writer,
      HighWaterMark start,
      Instant lookBackFloor,
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
    this.lookBackFloor = lookBackFloor;
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
            .counter(
                "lms_poller_records_behind_mark_total",
                "Records at or before the committed mark and not written yet (late changes, ties"
                    + " the API ordered another way), written when the look-back re-read them.")
            .counter(
                "lms_poller_records_later_than_look_back_total",
                "Of those, records later than lms.api.lookback.ms: changes as late as these can be"
                    + " missed.")
            .gauge(
                "lms_poller_late_max_seconds",
                "The latest change seen behind the mark: how far behind it was, in seconds.")
            .gauge(
                "lms_poller_look_back_versions",
                "Versions remembered for the look-back window (memory).")
            .gauge("lms_poller_cursor_lag_seconds", "Now minus the committed cursor's updated_at.");
    for (ApiFailure.Kind kind : ApiFailure.Kind.values()) {
      metrics.known("lms_poller_retries_total{cause=" + kind.name().toLowerCase() + "}");
    }
    metrics.known("lms_poller_retries_total{cause=kafka}");
    metrics.known("lms_poller_records_rejected_total"); // at 0 from the first scrape
    metrics.known("lms_poller_records_behind_mark_total");
    metrics.known("lms_poller_records_later_than_look_back_total");
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
    Instant lastLookBack = null;
    PageRequest request = null;
    int attempt = 0;
    boolean keyRefreshed = false;
    Instant failingSince = null;
    boolean alerted = false;
    while (!stopping) {
      heartbeat.beat();
      pause(rateLimiter.reserve(System.nanoTime()));
      long started = System.nanoTime();
      if (request == null) {
        // A fresh query: from the mark, or every look-back interval from the window before it, so
        // changes that became visible late (clock skew, replica lag) are read too.
        boolean lookBack =
            !settings.lookBack().isZero()
                && (lastLookBack == null
                    || Duration.between(lastLookBack, clock.instant())
                            .compareTo(settings.lookBackInterval())
                        >= 0);
        if (lookBack) {
          lastLookBack = clock.instant();
          Instant since = mark.updatedAt().minus(settings.lookBack());
          request = PageRequest.since(since.isBefore(lookBackFloor) ? lookBackFloor : since);
        } else {
          request = PageRequest.since(mark.updatedAt());
        }
      }
      final PageRequest current = request;
      try {
        PageWriter.Committed page =
            writer.write(
                mark,
                current,
                (next, sink) -> {
                  if (next != current) {
                    pause(rateLimiter.reserve(System.nanoTime())); // each page, not each commit
                  }
                  return api.fetch(next, sink);
                });
        metrics.addSeconds(
            "lms_poller_api_seconds_total", Duration.ofNanos(System.nanoTime() - started));
        metrics.add("lms_poller_pages_total", page.pages());
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
        lateness(page.lateness(), writer.recentVersions());
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
          request = null;
          pause(settings.idleInterval());
        }
        if (page.interruptedBy().isPresent()) {
          // The pages before it are committed; the failed page (now `request`) is retried.
          throw page.interruptedBy().get();
        }
      } catch (ApiFailure e) {
        metrics.increment("lms_poller_retries_total{cause=" + e.kind().name().toLowerCase() + "}");
        if (failingSince == null) {
          failingSince = clock.instant();
        }
        // Not ready before any alert goes out: whoever reads the alert finds /ready agreeing.
        failing = "LMS API pages failing since " + failingSince + " (" + e.kind() + ")";
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

  /** Counts what a page found behind the mark; alerts if any of it was later than the window. */
  private void lateness(PageWriter.Lateness lateness, int remembered) {
    metrics.set("lms_poller_look_back_versions", remembered);
    if (lateness.behindMark() == 0) {
      return;
    }
    metrics.add("lms_poller_records_behind_mark_total", lateness.behindMark());
    double latestSeconds = lateness.latest().toMillis() / 1000.0;
    if (latestSeconds > metrics.value("lms_poller_late_max_seconds")) {
      metrics.set("lms_poller_late_max_seconds", latestSeconds);
    }
    LOG.info(
        "poller source={} wrote {} change(s) that came behind the committed mark (late, or tied"
            + " and ordered another way), the latest {} ms behind",
        settings.source(),
        lateness.behindMark(),
        lateness.latest().toMillis());
    if (lateness.outsideLookBack() > 0) {
      metrics.add("lms_poller_records_later_than_look_back_total", lateness.outsideLookBack());
      LOG.warn(
          "poller source={} {} change(s) came later than the look-back window ({} ms; the latest"
              + " {} ms behind): these were caught by chance, changes as late can be missed",
          settings.source(),
          lateness.outsideLookBack(),
          settings.lookBack().toMillis(),
          lateness.latest().toMillis());
      alerts.raise(
          LATER_THAN_LOOK_BACK,
          "LMS changes arrive later than the poller's look-back window (source "
              + settings.source()
              + ")",
          (long) metrics.get("lms_poller_records_later_than_look_back_total")
              + " change(s) so far came more than "
              + settings.lookBack().toMillis()
              + " ms behind the newest change read; the latest was "
              + lateness.latest().toMillis()
              + " ms behind",
          "raise lms.api.lookback.ms above lms_poller_late_max_seconds (the window is re-read"
              + " every lms.api.lookback.interval.ms); then replay the affected period with"
              + " poller.start.from if changes are missing");
    }
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
