package io.lmsingest.secrets;

/** One place secrets are read from. Implementations throw {@link SecretUnavailableException}. */
public interface SecretSource {
  /** The raw secret string at {@code reference} (before any JSON key is applied). */
  String fetch(SecretReference reference);
}
