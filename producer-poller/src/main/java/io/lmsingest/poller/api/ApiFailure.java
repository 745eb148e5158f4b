package io.lmsingest.poller.api;

import java.time.Duration;
import java.util.Optional;

/**
 * Why a page request failed, and so what the poller does next. Messages never carry the API key.
 */
public class ApiFailure extends Exception {
  public enum Kind {
    /** 429: wait for Retry-After, then retry. */
    RATE_LIMITED,
    /** 5xx, timeout, connection trouble: back off and retry. */
    TRANSIENT,
    /** A page that is not valid JSON of the expected shape (e.g. cut off): retry, never advance. */
    MALFORMED_PAGE,
    /** 401/403: refresh the key once, then alert and back off. */
    UNAUTHORIZED,
    /** Another 4xx: the request itself is wrong; retrying will not help. */
    REJECTED
  }

  private final Kind kind;
  private final Optional<Duration> retryAfter;

  public ApiFailure(Kind kind, String message, Optional<Duration> retryAfter, Throwable cause) {
    super(message, cause);
    this.kind = kind;
    this.retryAfter = retryAfter;
  }

  public Kind kind() {
    return kind;
  }

  public Optional<Duration> retryAfter() {
    return retryAfter;
  }
}
