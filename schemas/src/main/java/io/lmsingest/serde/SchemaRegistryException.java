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

  /**
   * True when the registry could not answer the question (unreachable, timed out, overloaded, or
   * refusing our credentials), as opposed to answering it (e.g. 404: no schema with that id): the
   * same call may succeed later, so a record must wait rather than be rejected.
   */
  public boolean unavailable() {
    return httpStatus == -1
        || httpStatus == 401
        || httpStatus == 403
        || httpStatus == 408
        || httpStatus == 429
        || httpStatus >= 500;
  }

  /** Confluent API error code (e.g. 40403 schema not found), or -1 when there was none. */
  public int errorCode() {
    return errorCode;
  }
}
