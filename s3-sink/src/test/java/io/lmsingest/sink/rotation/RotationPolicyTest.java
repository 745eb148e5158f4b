package io.lmsingest.sink.rotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RotationPolicyTest {
  static final RotationPolicy POLICY =
      new RotationPolicy(100_000, 64L << 20, Duration.ofMinutes(5));

  @ParameterizedTest(name = "{0} records, {1} bytes, age {2} s -> {3}")
  @CsvSource({
    "0,      0,        9999, NONE", // empty: nothing to finish however long it has been
    "1,      100,      0,    NONE", // the first record after an idle spell opens a young file
    "1,      100,      299,  NONE",
    "1,      100,      300,  AGE", // a quiet partition still flushes within max age
    "99999,  1000,     10,   NONE",
    "100000, 1000,     10,   RECORDS",
    "500,    67108864, 10,   BYTES",
    "100000, 67108864, 300,  RECORDS" // several reasons: records first
  })
  void rotation(long records, long bytes, long ageSeconds, RotationPolicy.Reason expected) {
    assertThat(POLICY.check(records, bytes, Duration.ofSeconds(ageSeconds))).isEqualTo(expected);
  }

  @Test
  void rejectsLimitsThatWouldNeverOrAlwaysRotate() {
    assertThatThrownBy(() -> new RotationPolicy(0, 1, Duration.ofSeconds(1)))
        .hasMessageContaining("max records");
    assertThatThrownBy(() -> new RotationPolicy(1, 1, Duration.ZERO))
        .hasMessageContaining("max age");
  }
}
