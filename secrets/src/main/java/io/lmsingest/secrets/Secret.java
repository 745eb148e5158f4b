package io.lmsingest.secrets;

/**
 * A secret value. Its {@code toString} never shows the value, so it can pass through logs, config
 * dumps and exception messages without leaking; only {@link #reveal()} gives it out, at the point
 * of use.
 */
public final class Secret {
  private final String value;

  private Secret(String value) {
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException("a secret must not be empty");
    }
    this.value = value;
  }

  public static Secret of(String value) {
    return new Secret(value);
  }

  /** The value, for the one call that needs it (an HTTP header, a JDBC property). Never log it. */
  public String reveal() {
    return value;
  }

  @Override
  public String toString() {
    return "[redacted]";
  }
}
