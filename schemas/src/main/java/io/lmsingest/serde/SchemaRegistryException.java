package io.lmsingest.serde;

/** A registry call failed: unreachable, refused, or answered with an error. */
public class SchemaRegistryException extends RuntimeException {
  private final int httpStatus;
  private final int errorCode;

  public SchemaRegistryException(String message, int httpStatus, int errorCode, Throwable cause) {
    super(message, cause);
    this.httpStatus = httpStatus;
    this.errorCode = errorCode;
  }

  /** HTTP status of the registry's answer, or -1 when it could not be reached. */
  public int httpStatus() {
    return httpStatus;
  }

  /** Confluent API error code (e.g. 40403 schema not found), or -1 when there was none. */
  public int errorCode() {
    return errorCode;
  }
}
