package io.lmsingest.secrets;

/** A secret could not be read. The message names the reference, never a value. */
public class SecretUnavailableException extends RuntimeException {
  public SecretUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
