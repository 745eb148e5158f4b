package io.lmsingest.kit.alert;

import static org.assertj.core.api.Assertions.assertThat;

import io.lmsingest.kit.ManualClock;
import io.lmsingest.kit.metrics.ServiceMetrics;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AlertsTest {

  final ManualClock clock = new ManualClock();
  final List<Alert> sent = new ArrayList<>();
  final ServiceMetrics metrics = new ServiceMetrics();
  final Alerts alerts =
      new Alerts("sink", List.of(sent::add), Duration.ofMinutes(10), clock, metrics);

  @Test
  void oneAlertPerIncidentAndOneResolvedWhenItClears() {
    alerts.raise(
        "s3-not-durable",
        "files cannot be made durable in S3",
        "5 failures; last: SdkClientException",
        "check S3");
    clock.advance(Duration.ofSeconds(30));
    alerts.raise("s3-not-durable", "files cannot be made durable in S3", "6 failures", "check S3");
    assertThat(sent)
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.state()).isEqualTo(Alert.State.FIRING);
              assertThat(a.since()).isEqualTo(Instant.parse("2026-11-26T10:00:00Z"));
              assertThat(a.text())
                  .contains("[FIRING] lms-ingest sink: files cannot be made durable in S3")
                  .contains("since 2026-11-26T10:00:00Z")
                  .contains("what to do: check S3")
                  .contains("incident: s3-not-durable");
            });
    assertThat(alerts.firing()).containsExactly("s3-not-durable");

    clock.advance(Duration.ofSeconds(90));
    alerts.resolve("s3-not-durable");
    alerts.resolve("s3-not-durable");
    assertThat(sent).hasSize(2);
    assertThat(sent.get(1).state()).isEqualTo(Alert.State.RESOLVED);
    assertThat(sent.get(1).text()).contains("[RESOLVED]").contains("after 120 s");
    assertThat(alerts.firing()).isEmpty();
    assertThat(metrics.get("lms_sink_alerts_total{state=firing}")).isEqualTo(1);
    assertThat(metrics.get("lms_sink_alerts_total{state=resolved}")).isEqualTo(1);
  }

  @Test
  void aFlappingIncidentIsNotSentAgainWithinTheMinimumInterval() {
    alerts.raise("api-down", "LMS API down", "HTTP 503", "wait");
    alerts.resolve("api-down");
    clock.advance(Duration.ofMinutes(5));
    alerts.raise("api-down", "LMS API down", "HTTP 503", "wait");
    alerts.resolve("api-down");
    assertThat(sent).hasSize(2);
    clock.advance(Duration.ofMinutes(10));
    alerts.raise("api-down", "LMS API down", "HTTP 503", "wait");
    assertThat(sent).hasSize(3);
    assertThat(sent.get(2).state()).isEqualTo(Alert.State.FIRING);
  }

  @Test
  void aFailingChannelIsCountedAndTheOthersStillGetTheAlert() {
    List<Alert> second = new ArrayList<>();
    Alerts twoChannels =
        new Alerts(
            "loader",
            List.of(
                a -> {
                  throw new IOException("https://hooks.example/secret-path refused");
                },
                second::add),
            Duration.ZERO,
            clock,
            metrics);
    twoChannels.raise("batch-failing", "a batch keeps failing", "x".repeat(1_000), "see the log");
    assertThat(second)
        .singleElement()
        .satisfies(a -> assertThat(a.detail()).hasSize(303).endsWith("..."));
    assertThat(metrics.get("lms_loader_alerts_failed_total")).isEqualTo(1);
  }

  @Test
  void resolvingWhatNeverFiredSendsNothing() {
    alerts.resolve("never");
    assertThat(sent).isEmpty();
  }
}
