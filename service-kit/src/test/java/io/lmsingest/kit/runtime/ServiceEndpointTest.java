package io.lmsingest.kit.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.lmsingest.kit.metrics.ServiceMetrics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ServiceEndpointTest {
  @Test
  void metricsAreServedInPrometheusTextFormatAndHealthAndReadinessAnswer() throws Exception {
    ServiceMetrics metrics =
        new ServiceMetrics()
            .counter("lms_poller_records_total", "Records committed.")
            .counter("lms_poller_retries_total", "Pages tried again, by cause.", "cause")
            .gauge("lms_poller_cursor_lag_seconds", "Now minus the cursor.");
    metrics.add("lms_poller_records_total", 42);
    metrics.increment("lms_poller_retries_total{cause=transient}");
    metrics.set("lms_poller_cursor_lag_seconds", 1.5);
    boolean[] healthy = {true};
    AtomicReference<Readiness> readiness =
        new AtomicReference<>(Readiness.notReady("waiting for \"partitions\""));
    try (ServiceEndpoint endpoint =
        ServiceEndpoint.start("127.0.0.1", 0, metrics::scrape, () -> healthy[0], readiness::get)) {
      HttpClient http = HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + endpoint.port();
      String body =
          http.send(
                  HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      assertThat(body)
          .contains("# HELP lms_poller_records_total Records committed.\n")
          .contains("# TYPE lms_poller_records_total counter\n")
          .contains("lms_poller_records_total 42.0\n")
          .contains("lms_poller_retries_total{cause=\"transient\"} 1.0\n")
          .contains("# TYPE lms_poller_cursor_lag_seconds gauge\n")
          .contains("lms_poller_cursor_lag_seconds 1.5\n");
      assertThat(get(http, base + "/health").statusCode()).isEqualTo(200);
      healthy[0] = false;
      assertThat(get(http, base + "/health").statusCode()).isEqualTo(503);

      HttpResponse<String> notReady = get(http, base + "/ready");
      assertThat(notReady.statusCode()).isEqualTo(503);
      assertThat(notReady.body())
          .isEqualTo("{\"status\":\"NOT_READY\",\"reason\":\"waiting for \\\"partitions\\\"\"}");
      readiness.set(Readiness.READY);
      assertThat(get(http, base + "/ready").statusCode()).isEqualTo(200);
    }
  }

  private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
