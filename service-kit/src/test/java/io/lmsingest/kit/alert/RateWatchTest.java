package io.lmsingest.kit.alert;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RateWatchTest {
  static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");

  @Test
  void overWhenTheCountGrowsByMoreThanTheThresholdWithinTheWindow() {
    RateWatch watch = new RateWatch(100, Duration.ofMinutes(5));
    assertThat(watch.over(1_000, T0)).as("the first sample is the baseline").isFalse();
    assertThat(watch.over(1_060, T0.plusSeconds(60))).isFalse();
    assertThat(watch.over(1_100, T0.plusSeconds(120)))
        .as("exactly the threshold is not over")
        .isFalse();
    assertThat(watch.over(1_101, T0.plusSeconds(180))).isTrue();
    assertThat(watch.growth()).isEqualTo(101);
    // Nothing more for a whole window: the old samples fall out and it clears.
    assertThat(watch.over(1_101, T0.plusSeconds(181 + 300))).isFalse();
    assertThat(watch.growth()).isZero();
  }

  @Test
  void aSlowSteadyTrickleStaysUnder() {
    RateWatch watch = new RateWatch(100, Duration.ofMinutes(5));
    long total = 0;
    for (int minute = 0; minute < 60; minute++) {
      total += 10; // 50 per window
      assertThat(watch.over(total, T0.plusSeconds(60L * minute))).isFalse();
    }
  }
}
