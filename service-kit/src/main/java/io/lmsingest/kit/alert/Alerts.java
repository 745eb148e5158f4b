package io.lmsingest.kit.alert;

import io.lmsingest.kit.metrics.ServiceMetrics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A service's alerting: one alert per incident and one "resolved" when it clears, to every channel.
 * {@link #raise} while an incident is already firing changes nothing; an incident that comes back
 * within the minimum interval of its last notification (a flapping dependency) fires silently and
 * resolves silently, so nobody is paged twice a minute. A channel that fails is logged and counted;
 * alerting never stops or slows the service beyond the channel's own timeout.
 */
public final class Alerts {
  private static final Logger LOG = LoggerFactory.getLogger(Alerts.class);
  private static final int MAX_DETAIL = 300;

  private final String service;
  private final List<AlertSender> senders;
  private final Duration minInterval;
  private final Clock clock;
  private final ServiceMetrics metrics;
  private final Map<String, Incident> firing = new HashMap<>();
  private final Map<String, Instant> lastNotified = new HashMap<>();

  private record Incident(String summary, Instant since, boolean notified) {}

  public Alerts(
      String service,
      List<AlertSender> senders,
      Duration minInterval,
      Clock clock,
      ServiceMetrics metrics) {
    this.service = service;
    this.senders = List.copyOf(senders);
    this.minInterval = minInterval;
    this.clock = clock;
    this.metrics = metrics;
    metrics.counter(
        "lms_" + service + "_alerts_total", "Alerts sent, by state (firing, resolved).", "state");
    metrics.counter(
        "lms_" + service + "_alerts_failed_total",
        "Alert deliveries a channel refused or could not take.");
    metrics.known("lms_" + service + "_alerts_total{state=firing}");
    metrics.known("lms_" + service + "_alerts_total{state=resolved}");
  }

  /** Alerts only to the log (tests, tools). */
  public static Alerts logOnly(String service, Clock clock) {
    return new Alerts(
        service, List.of(new LogAlertSender()), Duration.ZERO, clock, new ServiceMetrics());
  }

  /**
   * An incident has started: what failed ({@code summary}), the evidence ({@code detail}: no
   * secret, no record content) and what an operator should do. Sent once per incident.
   */
  public void raise(String incident, String summary, String detail, String action) {
    Instant now = clock.instant();
    Alert alert;
    synchronized (this) {
      if (firing.containsKey(incident)) {
        return;
      }
      Instant last = lastNotified.get(incident);
      boolean notify = last == null || !now.isBefore(last.plus(minInterval));
      firing.put(incident, new Incident(summary, now, notify));
      if (!notify) {
        LOG.warn(
            "alert {} of {} is back within {} of its last notification; not sent again",
            incident,
            service,
            minInterval);
        return;
      }
      lastNotified.put(incident, now);
      String cut =
          detail == null
              ? ""
              : detail.length() > MAX_DETAIL ? detail.substring(0, MAX_DETAIL) + "..." : detail;
      alert = new Alert(service, incident, Alert.State.FIRING, summary, cut, action, now, now);
    }
    deliver(alert);
  }

  /** The incident is over: one "resolved" if its alert was sent; nothing if it was not firing. */
  public void resolve(String incident) {
    Instant now = clock.instant();
    Alert alert;
    synchronized (this) {
      Incident open = firing.remove(incident);
      if (open == null || !open.notified()) {
        return;
      }
      lastNotified.put(incident, now);
      alert =
          new Alert(
              service, incident, Alert.State.RESOLVED, open.summary(), "", "", open.since(), now);
    }
    deliver(alert);
  }

  /** The incidents firing now. */
  public synchronized Set<String> firing() {
    return new TreeSet<>(firing.keySet());
  }

  private void deliver(Alert alert) {
    String state = alert.state().name().toLowerCase();
    metrics.increment("lms_" + service + "_alerts_total{state=" + state + "}");
    for (AlertSender sender : senders) {
      try {
        sender.send(alert);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Exception e) {
        // The exception's message is not quoted: a client may put the endpoint (a webhook's secret
        // path) in it.
        metrics.increment("lms_" + service + "_alerts_failed_total");
        LOG.warn(
            "alert {} ({}) could not be sent through {}: {}",
            alert.incident(),
            state,
            sender.getClass().getSimpleName(),
            e.getClass().getSimpleName());
      }
    }
  }
}
