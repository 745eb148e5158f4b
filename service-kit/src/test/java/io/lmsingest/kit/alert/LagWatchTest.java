package io.lmsingest.kit.alert;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class LagWatchTest {
  static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");

  @Test
  void breachedOnlyAfterTheLagStaysAboveTheLimitForTheWholeDuration() {
    LagWatch watch = new LagWatch(1_000, Duration.ofMinutes(10));
    assertThat(watch.breached(OptionalLong.of(5_000), T0)).isFalse();
    assertThat(watch.breached(OptionalLong.of(8_000), T0.plusSeconds(300))).isFalse();
    assertThat(watch.breached(OptionalLong.empty(), T0.plusSeconds(400)))
        .as("unknown changes nothing")
        .isFalse();
    assertThat(watch.breached(OptionalLong.of(2_000), T0.plusSeconds(600))).isTrue();
    assertThat(watch.above()).isEqualTo(T0);
    assertThat(watch.breached(OptionalLong.empty(), T0.plusSeconds(660)))
        .as("unknown keeps a breach")
        .isTrue();
    assertThat(watch.breached(OptionalLong.of(1_000), T0.plusSeconds(700)))
        .as("at the limit is fine")
        .isFalse();
    assertThat(watch.above()).isNull();
  }

  @Test
  void aDipBelowTheLimitStartsTheDurationAgain() {
    LagWatch watch = new LagWatch(1_000, Duration.ofMinutes(10));
    watch.breached(OptionalLong.of(5_000), T0);
    watch.breached(OptionalLong.of(500), T0.plusSeconds(540));
    assertThat(watch.breached(OptionalLong.of(5_000), T0.plusSeconds(600))).isFalse();
    assertThat(watch.breached(OptionalLong.of(5_000), T0.plusSeconds(1_200))).isTrue();
  }
}
