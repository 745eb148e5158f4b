package io.lmsingest.kit.alert;

/** One channel alerts go to: the log, a Slack incoming webhook, an SNS topic. */
@FunctionalInterface
public interface AlertSender {
  /** Delivers the alert; throws when the channel refused or could not be reached. */
  void send(Alert alert) throws Exception;
}
