package io.lmsingest.poller.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class RetryPoliciesTest {
  private final Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(10));

  @ParameterizedTest(name = "attempt {0} with random {1} waits {2} ms")
  @CsvSource({
    "1, 1.0, 100",
    "2, 1.0, 200",
    "3, 1.0, 400",
    "7, 1.0, 6400",
    "8, 1.0, 10000",
    "40, 1.0, 10000",
    "3, 0.5, 200",
    "5, 0.0, 0"
  })
  void backoffGrowsExponentiallyUpToTheCapWithFullJitter(int attempt, double random, long expectedMillis) {
    assertThat(backoff.delay(attempt, () -> random)).isEqualTo(Duration.ofMillis(expectedMillis));
  }

  @Test
  void backoffRejectsNonsense() {
    assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class);
  }

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
