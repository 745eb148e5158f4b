package io.lmsingest.stack;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LocalStackJvmTest {
  @Test
  void servicesRunUnderTheirDefaultHeapWithoutExtraOptions() {
    assertThat(LocalStack.jvm("sink", null)).startsWith("-Xmx256m").contains("-Dlms.service=sink");
    assertThat(LocalStack.jvm("loader", "  ")).startsWith("-Xmx96m");
  }

  @Test
  void extraOptionsComeLastSoTheyWinAndNameTheService() {
    assertThat(
            LocalStack.jvm(
                "validator", " -Xmx384m  -XX:StartFlightRecording=filename=/tmp/{service}.jfr "))
        .endsWith("-Xmx384m", "-XX:StartFlightRecording=filename=/tmp/validator.jfr");
  }
}
