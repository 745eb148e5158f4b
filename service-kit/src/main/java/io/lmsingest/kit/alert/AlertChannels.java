package io.lmsingest.kit.alert;

import io.lmsingest.kit.config.CommonKeys;
import io.lmsingest.kit.config.ServiceConfig;
import io.lmsingest.kit.metrics.ServiceMetrics;
import io.lmsingest.kit.secrets.ServiceSecrets;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * A service's {@link Alerts} from its config ({@link CommonKeys#alerts}): the log always, Slack and
 * SNS when set.
 */
public final class AlertChannels {
  private AlertChannels() {}

  /** The channels of {@code config}, plus {@code more} (e.g. a test's own receiver). */
  public static Alerts of(
      ServiceConfig config,
      ServiceSecrets secrets,
      ServiceMetrics metrics,
      Clock clock,
      AlertSender... more) {
    List<AlertSender> senders = new ArrayList<>(List.of(new LogAlertSender()));
    senders.addAll(List.of(more));
    if (!config.getString(CommonKeys.ALERT_SLACK_WEBHOOK).isEmpty()) {
      secrets.get(
          CommonKeys.ALERT_SLACK_WEBHOOK); // fail at start, naming the key, if it cannot be read
      senders.add(new SlackAlertSender(() -> secrets.get(CommonKeys.ALERT_SLACK_WEBHOOK)));
    }
    String topic = config.getString(CommonKeys.ALERT_SNS_TOPIC);
    if (!topic.isEmpty()) {
      var sns =
          SnsClient.builder()
              .region(Region.of(config.getString(CommonKeys.AWS_REGION)))
              .httpClient(UrlConnectionHttpClient.create());
      String endpoint = config.getString(CommonKeys.ALERT_SNS_ENDPOINT);
      if (!endpoint.isEmpty()) {
        sns.endpointOverride(URI.create(endpoint));
      }
      senders.add(new SnsAlertSender(sns.build(), topic));
    }
    return new Alerts(
        config.service(),
        senders,
        Duration.ofMillis(config.getLong(CommonKeys.ALERT_MIN_INTERVAL_MS)),
        clock,
        metrics);
  }
}
