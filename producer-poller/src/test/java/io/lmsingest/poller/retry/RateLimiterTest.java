package io.lmsingest.poller.retry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
  @Test
  void rateLimiterAllowsABurstThenSpacesRequests() {
    RateLimiter limiter = new RateLimiter(10, 2); // 10/s, burst 2
    long t = 1_000_000_000L;
    assertThat(limiter.reserve(t)).isZero();
    assertThat(limiter.reserve(t)).isZero();
    assertThat(limiter.reserve(t)).isEqualTo(Duration.ofMillis(100));
    assertThat(limiter.reserve(t)).isEqualTo(Duration.ofMillis(200));
    // One second later the bucket has refilled (capped at the burst).
    assertThat(limiter.reserve(t + 2_000_000_000L)).isZero();
  }
}
