package io.lmsingest.poller.alert;

/**
 * Where a persistent failure is reported (Slack webhook, SNS, the log). Messages carry no secrets.
 */
public interface AlertSink {
  void raise(String source, String summary, String detail);

  /** Alerts only as log lines marked {@code alert=true}, for log-based alerting. */
  static AlertSink log() {
    org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger("io.lmsingest.alert");
    return (source, summary, detail) ->
        log.error("alert=true source={} summary=\"{}\" detail=\"{}\"", source, summary, detail);
  }
}
