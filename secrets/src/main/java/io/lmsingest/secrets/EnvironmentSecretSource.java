package io.lmsingest.secrets;

import java.util.Map;

/** {@code env:NAME}: an environment variable, for local runs and containers. */
public final class EnvironmentSecretSource implements SecretSource {
  private final Map<String, String> environment;

  public EnvironmentSecretSource() {
    this(System.getenv());
  }

  /** With an explicit environment, for tests. */
  public EnvironmentSecretSource(Map<String, String> environment) {
    this.environment = Map.copyOf(environment);
  }

  @Override
  public String fetch(SecretReference reference) {
    String value = environment.get(reference.location());
    if (value == null || value.isEmpty()) {
      throw new SecretUnavailableException(
          "environment variable " + reference.location() + " is not set", null);
    }
    return value;
  }
}
