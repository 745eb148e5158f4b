package io.lmsingest.poller.alert;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a persistent failure is reported (Slack webhook, SNS, the log). Messages carry no secrets.
 */
public interface AlertSink {
  void raise(String source, String summary, String detail);

  /** Alerts only as log lines marked {@code alert=true}, for log-based alerting. */
  static AlertSink log() {
    Logger log = LoggerFactory.getLogger("io.lmsingest.alert");
    return (source, summary, detail) ->
        log.error("alert=true source={} summary=\"{}\" detail=\"{}\"", source, summary, detail);
  }
}
