package io.lmsingest.secrets;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code file:PATH}: a file such as a mounted Kubernetes or Docker secret. Trailing newlines are
 * dropped.
 */
public final class FileSecretSource implements SecretSource {
  @Override
  public String fetch(SecretReference reference) {
    Path path = Path.of(reference.location());
    try {
      String value = Files.readString(path, StandardCharsets.UTF_8).strip();
      if (value.isEmpty()) {
        throw new SecretUnavailableException("secret file " + path + " is empty", null);
      }
      return value;
    } catch (IOException e) {
      throw new SecretUnavailableException(
          "cannot read secret file " + path + ": " + e.getClass().getSimpleName(), e);
    }
  }
}
