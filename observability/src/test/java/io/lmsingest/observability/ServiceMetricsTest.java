package io.lmsingest.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class ServiceMetricsTest {
  @Test
  void metricsAreServedInPrometheusTextFormatAndHealthAnswers() throws Exception {
    ServiceMetrics metrics = new ServiceMetrics();
    metrics.add("lms_poller_records_total", 42);
    metrics.increment("lms_poller_retries_total{cause=transient}");
    boolean[] healthy = {true};
    try (MetricsEndpoint endpoint = MetricsEndpoint.start("127.0.0.1", 0, metrics::prometheus, () -> healthy[0])) {
      HttpClient http = HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + endpoint.port();
      String body = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
      assertThat(body).contains("lms_poller_records_total 42\n").contains("lms_poller_retries_total{cause=\"transient\"} 1\n");
      assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/health")).build(), HttpResponse.BodyHandlers.discarding()).statusCode())
          .isEqualTo(200);
      healthy[0] = false;
      assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/health")).build(), HttpResponse.BodyHandlers.discarding()).statusCode())
          .isEqualTo(503);
    }
  }
}
