package io.lmsingest.kit.alert;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lmsingest.secrets.Secret;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Posts alerts to a Slack incoming webhook ({@code {"text": ...}} as JSON). The webhook URL is a
 * secret (its path is the credential): it is read at send time and never logged, not even in
 * errors.
 */
public final class SlackAlertSender implements AlertSender {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Supplier<Secret> webhookUrl;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  public SlackAlertSender(Supplier<Secret> webhookUrl) {
    this.webhookUrl = webhookUrl;
  }

  @Override
  public void send(Alert alert) throws IOException, InterruptedException {
    String body = JSON.writeValueAsString(Map.of("text", alert.text()));
    HttpResponse<Void> response =
        http.send(
            HttpRequest.newBuilder(URI.create(webhookUrl.get().reveal()))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.discarding());
    if (response.statusCode() / 100 != 2) {
      throw new IOException("the Slack webhook answered HTTP " + response.statusCode());
    }
  }
}
