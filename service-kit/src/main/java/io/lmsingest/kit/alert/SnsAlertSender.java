package io.lmsingest.kit.alert;

import software.amazon.awssdk.services.sns.SnsClient;

/**
 * Publishes alerts to an Amazon SNS topic (email, SMS, PagerDuty, a queue... subscribe what you
 * use).
 */
public final class SnsAlertSender implements AlertSender, AutoCloseable {
  private final SnsClient sns;
  private final String topicArn;

  public SnsAlertSender(SnsClient sns, String topicArn) {
    this.sns = sns;
    this.topicArn = topicArn;
  }

  @Override
  public void send(Alert alert) {
    // SNS subjects are printable ASCII, one line, under 100 characters.
    String title = alert.title().replaceAll("[^\\x20-\\x7E]", "?");
    String subject = title.length() > 99 ? title.substring(0, 99) : title;
    sns.publish(b -> b.topicArn(topicArn).subject(subject).message(alert.text()));
  }

  @Override
  public void close() {
    sns.close();
  }
}
