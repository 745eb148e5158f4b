package io.lmsingest.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class CpuYardstickTest {
  @Test
  void hashesTheZerosItClaimsToAndTimesIt() {
    // Expected values from `head -c N /dev/zero | sha256sum`.
    assertThat(HexFormat.of().formatHex(CpuYardstick.sha256OfZeros(1L << 20)))
        .isEqualTo("30e14955ebf1352266dc2ff8067e68104607e750abb9d3b36582b8af909fcb58");
    assertThat(HexFormat.of().formatHex(CpuYardstick.sha256OfZeros(3_000_001L)))
        .isEqualTo(ZEROS_3_000_001);
    assertThat(CpuYardstick.seconds()).isGreaterThan(0.01).isLessThan(120);
  }

  @Test
  void aBenchmarkDescribesTheBoxByItsYardstick() {
    assertThat(CpuYardstick.describe(1.104, 1.0951))
        .contains("SHA-256 of 2,000,000,000 zero bytes", "1.10 s before and 1.10 s after");
  }

  private static final String ZEROS_3_000_001 =
      "4f3c36cc4ec3bc4ac4c40dfc33a9c5505a31fd01c106a5277fdcc63239a8f34d";
}
