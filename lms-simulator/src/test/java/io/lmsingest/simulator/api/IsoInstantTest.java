package io.lmsingest.simulator.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class IsoInstantTest {
  @Test
  void writesWhatInstantToStringWrites() {
    for (String text :
        new String[] {
          "2026-11-26T11:51:28Z",
          "2026-11-26T11:51:28.100Z",
          "2026-11-26T11:51:28.007Z",
          "1970-01-01T00:00:00Z",
          "1969-12-31T23:59:59.999Z",
          "2024-02-29T23:59:59.999Z",
          "9999-12-31T23:59:59.999Z",
        }) {
      assertThat(IsoInstant.format(Instant.parse(text))).isEqualTo(text);
    }
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < 200_000; i++) {
      Instant instant =
          Instant.ofEpochMilli(random.nextLong(-5_000_000_000_000L, 5_000_000_000_000L));
      assertThat(IsoInstant.format(instant)).isEqualTo(instant.toString());
    }
  }

  @Test
  void leavesWhatItDoesNotWriteToInstant() {
    Instant micros = Instant.parse("2026-11-26T11:51:28.000123Z");
    Instant farFuture = Instant.parse("+12026-01-01T00:00:00Z");
    assertThat(IsoInstant.format(micros)).isEqualTo(micros.toString());
    assertThat(IsoInstant.format(farFuture)).isEqualTo(farFuture.toString());
  }
}
