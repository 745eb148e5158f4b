package io.lmsingest.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SecretCanaryTest {
  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void findsTheSecretAnywhereAndOnlyWhole() {
    SecretCanary canary = new SecretCanary(bytes("s3cr3t-canary"));
    assertThat(canary.isIn(bytes("s3cr3t-canary"))).isTrue();
    assertThat(canary.isIn(bytes("x-api-key: s3cr3t-canary\n"))).isTrue();
    assertThat(canary.isIn(bytes("ends with s3cr3t-canar"))).isFalse();
    assertThat(canary.isIn(bytes("S3CR3T-CANARY"))).isFalse();
    assertThat(canary.isIn(new byte[0])).isFalse();
    assertThat(canary.isIn(null)).isFalse();
  }

  @Test
  void aShortCanaryIsRefused() {
    assertThatThrownBy(() -> new SecretCanary(bytes("abc"))).hasMessageContaining("8 bytes");
  }
}
