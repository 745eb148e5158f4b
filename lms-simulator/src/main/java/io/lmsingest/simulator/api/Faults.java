package io.lmsingest.simulator.api;

/**
 * Failure rates the simulated API injects, each a probability per request.
 *
 * @param tooManyRequests 429 with Retry-After
 * @param retryAfterSeconds the Retry-After value of those 429s
 * @param serverError 500/503
 * @param slow answer after {@code slowMillis}
 * @param truncated cut the JSON body off mid-page
 * @param repeatBoundary start a cursor page with the previous page's last record again
 */
public record Faults(
    double tooManyRequests,
    int retryAfterSeconds,
    double serverError,
    double slow,
    int slowMillis,
    double truncated,
    double repeatBoundary) {
  public static final Faults NONE = new Faults(0, 1, 0, 0, 0, 0, 0);

  public Faults {
    for (double rate :
        new double[] {tooManyRequests, serverError, slow, truncated, repeatBoundary}) {
      if (rate < 0 || rate > 1) {
        throw new IllegalArgumentException("fault rates must be between 0 and 1, got " + rate);
      }
    }
    if (tooManyRequests + serverError + truncated > 0.95) {
      throw new IllegalArgumentException(
          "429 + 5xx + truncated rates together must stay below 0.95 or nothing gets through");
    }
    if (retryAfterSeconds < 0 || slowMillis < 0) {
      throw new IllegalArgumentException("retry-after and slow-ms must be >= 0");
    }
  }

  public boolean any() {
    return tooManyRequests + serverError + slow + truncated + repeatBoundary > 0;
  }
}
