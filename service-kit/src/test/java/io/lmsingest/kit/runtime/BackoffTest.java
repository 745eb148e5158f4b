package io.lmsingest.kit.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BackoffTest {
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
  void backoffGrowsExponentiallyUpToTheCapWithFullJitter(
      int attempt, double random, long expectedMillis) {
    assertThat(backoff.delay(attempt, () -> random)).isEqualTo(Duration.ofMillis(expectedMillis));
  }

  @ParameterizedTest(name = "attempt {0}: ceiling {1} ms")
  @CsvSource({"0, 100", "1, 100", "4, 800", "8, 10000", "100, 10000"})
  void theCeilingIsTheDelayWithoutJitter(int attempt, long expectedMillis) {
    assertThat(backoff.ceiling(attempt)).isEqualTo(Duration.ofMillis(expectedMillis));
  }

  @Test
  void backoffRejectsNonsense() {
    assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
