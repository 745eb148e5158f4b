package io.lmsingest.kit.alert;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Alerts as log lines marked {@code alert=true}, for log-based alerting; always on. */
public final class LogAlertSender implements AlertSender {
  private static final Logger LOG = LoggerFactory.getLogger("io.lmsingest.alert");

  @Override
  public void send(Alert alert) {
    if (alert.state() == Alert.State.FIRING) {
      LOG.error(
          "alert=true state=FIRING service={} incident={} summary=\"{}\" since={} detail=\"{}\" action=\"{}\"",
          alert.service(),
          alert.incident(),
          alert.summary(),
          alert.since(),
          alert.detail(),
          alert.action());
    } else {
      LOG.warn(
          "alert=true state=RESOLVED service={} incident={} summary=\"{}\" since={}",
          alert.service(),
          alert.incident(),
          alert.summary(),
          alert.since());
    }
  }
}
