package io.lmsingest.kit.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ServiceMetricsTest {
  @Test
  void labelledSeriesDeclaredKnownAreScrapedAtZeroBeforeTheFirstEvent() {
    ServiceMetrics metrics =
        new ServiceMetrics()
            .counter("lms_x_alerts_total", "Alerts sent, by state.", "state")
            .known("lms_x_alerts_total{state=firing}")
            .counter("lms_x_upload_seconds_total", "Time uploading.");
    assertThat(metrics.scrape()).contains("lms_x_alerts_total{state=\"firing\"} 0.0\n");
    metrics.increment("lms_x_alerts_total{state=firing}");
    metrics.addSeconds("lms_x_upload_seconds_total", Duration.ofMillis(1_500));
    assertThat(metrics.get("lms_x_alerts_total{state=firing}")).isEqualTo(1);
    assertThat(metrics.value("lms_x_upload_seconds_total")).isEqualTo(1.5);
    assertThat(metrics.total("lms_x_alerts_total")).isEqualTo(1.0);
  }

  @Test
  void anUndeclaredOrMisnamedMetricFails() {
    ServiceMetrics metrics = new ServiceMetrics();
    assertThatThrownBy(() -> metrics.increment("lms_x_typo_total"))
        .hasMessageContaining("never declared");
    assertThatThrownBy(() -> metrics.counter("lms_x_count", "no suffix"))
        .hasMessageContaining("_total");
  }

  @Test
  void everyScrapeReadsTheHeapNowItsPeakAndItsMax() {
    ServiceMetrics metrics = new ServiceMetrics();
    metrics.scrape();
    byte[][] held = new byte[8][];
    for (int i = 0; i < held.length; i++) {
      held[i] = new byte[1 << 20]; // 8 MB more in use: the peak can only grow
    }
    metrics.scrape();
    long max = Runtime.getRuntime().maxMemory();
    assertThat(metrics.value(ServiceMetrics.HEAP_MAX)).isEqualTo((double) max);
    assertThat(metrics.value(ServiceMetrics.HEAP_USED)).isPositive().isLessThanOrEqualTo(max);
    assertThat(metrics.value(ServiceMetrics.HEAP_PEAK))
        .isGreaterThanOrEqualTo(8 << 20)
        .isGreaterThanOrEqualTo(metrics.value(ServiceMetrics.HEAP_USED) * 0.5);
    assertThat(held[7]).hasSize(1 << 20);
  }
}
