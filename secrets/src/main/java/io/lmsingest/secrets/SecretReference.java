package io.lmsingest.secrets;

import java.util.Optional;

/**
 * Where a secret lives: {@code aws-secretsmanager:<secret-id>[#json-key]}, {@code env:NAME} or
 * {@code file:PATH}. The reference is not secret and may be logged; the value never is.
 */
public record SecretReference(Scheme scheme, String location, Optional<String> jsonKey) {

  public enum Scheme {
    AWS_SECRETS_MANAGER("aws-secretsmanager"),
    ENV("env"),
    FILE("file");

    final String prefix;

    Scheme(String prefix) {
      this.prefix = prefix;
    }
  }

  /**
   * Parses a reference given under config key {@code configKey}; the error names the key and the
   * accepted forms.
   */
  public static SecretReference parse(String configKey, String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException(configKey + " is required: " + FORMS);
    }
    String trimmed = text.trim();
    for (Scheme scheme : Scheme.values()) {
      String prefix = scheme.prefix + ":";
      if (!trimmed.startsWith(prefix)) {
        continue;
      }
      String rest = trimmed.substring(prefix.length());
      Optional<String> jsonKey = Optional.empty();
      int hash = rest.lastIndexOf('#');
      if (hash >= 0) {
        jsonKey = Optional.of(rest.substring(hash + 1));
        rest = rest.substring(0, hash);
        if (jsonKey.get().isEmpty()) {
          throw new IllegalArgumentException(
              configKey + ": empty JSON key after '#' in " + trimmed);
        }
      }
      if (rest.isEmpty()) {
        throw new IllegalArgumentException(
            configKey + ": nothing after '" + prefix + "' in " + trimmed + "; " + FORMS);
      }
      return new SecretReference(scheme, rest, jsonKey);
    }
    // Do not echo the text: someone may have pasted the secret itself here.
    throw new IllegalArgumentException(
        configKey
            + " is not a secret reference; "
            + FORMS
            + " (the value itself never goes in config)");
  }

  private static final String FORMS =
      "use aws-secretsmanager:<id>[#json-key], env:NAME[#json-key] or file:PATH[#json-key]";

  @Override
  public String toString() {
    return scheme.prefix + ":" + location + jsonKey.map(k -> "#" + k).orElse("");
  }
}
