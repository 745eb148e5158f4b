package io.lmsingest.testkit;

/**
 * A secret's bytes, looked for where it must never be (records, headers, files a run left): the
 * test fails naming the place.
 */
public record SecretCanary(byte[] secret) {
  public SecretCanary {
    if (secret.length < 8) {
      throw new IllegalArgumentException("a canary shorter than 8 bytes would match by chance");
    }
  }

  /** Whether {@code bytes} (null counts as empty) hold the secret anywhere. */
  public boolean isIn(byte[] bytes) {
    if (bytes == null) {
      return false;
    }
    outer:
    for (int i = 0; i + secret.length <= bytes.length; i++) {
      for (int j = 0; j < secret.length; j++) {
        if (bytes[i + j] != secret[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
