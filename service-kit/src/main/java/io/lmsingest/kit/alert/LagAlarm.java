package io.lmsingest.kit.alert;

import io.lmsingest.kit.config.CommonKeys;
import io.lmsingest.kit.config.ServiceConfig;
import io.lmsingest.kit.kafka.GroupLag;
import java.time.Clock;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A consumer service's lag SLO ({@link CommonKeys#lagAlerts}): every few seconds reads how far its
 * group is behind on its input topic, and raises {@value #INCIDENT} once it has been above {@code
 * alert.lag.max.records} for {@code alert.lag.for.ms}; resolves when it is back under. Off (a
 * no-op) while {@code alert.lag.max.records} is 0.
 */
public final class LagAlarm implements AutoCloseable {
  public static final String INCIDENT = "lag-above-slo";
  private static final Logger LOG = LoggerFactory.getLogger(LagAlarm.class);

  private final ScheduledExecutorService scheduler;
  private final Admin admin;

  private LagAlarm(ScheduledExecutorService scheduler, Admin admin) {
    this.scheduler = scheduler;
    this.admin = admin;
  }

  /** Starts watching {@code group} on {@code topic} as {@code config} says (or does nothing). */
  public static LagAlarm start(
      ServiceConfig config, String group, String topic, Alerts alerts, Clock clock) {
    long maxRecords = config.getLong(CommonKeys.ALERT_LAG_MAX_RECORDS);
    if (maxRecords <= 0) {
      return new LagAlarm(null, null);
    }
    Duration forAtLeast = Duration.ofMillis(config.getLong(CommonKeys.ALERT_LAG_FOR_MS));
    LagWatch watch = new LagWatch(maxRecords, forAtLeast);
    Admin admin = Admin.create(config.kafkaClientConfig());
    ScheduledExecutorService scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread thread = new Thread(r, config.service() + "-lag-alarm");
              thread.setDaemon(true);
              return thread;
            });
    long everyMs = Math.max(500, Math.min(5_000, forAtLeast.toMillis() / 2));
    scheduler.scheduleWithFixedDelay(
        () -> check(admin, group, topic, watch, maxRecords, forAtLeast, alerts, clock),
        everyMs,
        everyMs,
        TimeUnit.MILLISECONDS);
    return new LagAlarm(scheduler, admin);
  }

  private static void check(
      Admin admin,
      String group,
      String topic,
      LagWatch watch,
      long maxRecords,
      Duration forAtLeast,
      Alerts alerts,
      Clock clock) {
    try {
      OptionalLong lag = GroupLag.behind(admin, group, topic);
      if (watch.breached(lag, clock.instant())) {
        alerts.raise(
            INCIDENT,
            "group " + group + " is more than " + maxRecords + " records behind on " + topic,
            lag.isPresent()
                ? lag.getAsLong() + " records behind since " + watch.above()
                : "lag unknown now",
            "see whether the service is running and ready (/ready says why not) and whether it keeps up;"
                + " scale it out up to the topic's partitions, or raise alert.lag.max.records if the load is expected");
      } else if (watch.above() == null) {
        alerts.resolve(INCIDENT);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      LOG.warn("lag of {} on {} not read: {}", group, topic, e.toString());
    }
  }

  @Override
  public void close() {
    if (scheduler != null) {
      scheduler.shutdownNow();
      admin.close(Duration.ofSeconds(5));
    }
  }
}
