package io.lmsingest.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a service under test sends its alerts: a local Slack webhook receiver and an SNS topic on
 * the AWS emulator with an SQS queue subscribed, plus the config keys that point a service at both.
 */
public final class AlertReceivers implements AutoCloseable {
  private final SlackWebhookReceiver slack;
  private final AwsApiFixture.TopicWithQueue sns;
  private final Map<String, String> config = new LinkedHashMap<>();
  private final String webhookSecret;
  private final List<String> snsMessages = new ArrayList<>();

  /**
   * The webhook URL goes to a file under {@code dir}, referenced as {@code file:} like any secret.
   */
  public AlertReceivers(AwsApiFixture aws, Path dir) throws IOException {
    webhookSecret = "T000/B000/" + Long.toHexString(System.nanoTime());
    slack = new SlackWebhookReceiver(webhookSecret);
    sns = aws.topicWithQueue();
    config.put(
        "alert.slack.webhook.url",
        "file:" + Files.writeString(dir.resolve("slack-webhook"), slack.url()));
    config.put("alert.sns.topic.arn", sns.topicArn());
    config.put("alert.sns.endpoint", aws.endpoint().toString());
    config.put("aws.region", AwsApiFixture.REGION);
  }

  /** The keys to add to a service's config. */
  public Map<String, String> config() {
    return Map.copyOf(config);
  }

  /** The secret part of the webhook URL: no alert may carry it. */
  public String webhookSecret() {
    return webhookSecret;
  }

  /** Every body the Slack receiver got so far. */
  public List<String> slack() {
    return slack.received();
  }

  /** Every message published on the SNS topic so far (read back through its queue). */
  public List<String> sns() {
    snsMessages.addAll(sns.receive());
    return List.copyOf(snsMessages);
  }

  @Override
  public void close() {
    slack.close();
  }
}
