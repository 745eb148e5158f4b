package io.lmsingest.loader.warehouse;

import java.io.IOException;

/**
 * A Bronze object that can never load as it is: it does not match its manifest, or its key is
 * unsafe. Retrying does not help; the loader sets its batch aside (unlike other I/O failures, which
 * are retried until the storage is back).
 */
public final class UnloadableFileException extends IOException {
  public UnloadableFileException(String message) {
    super(message);
  }
}
