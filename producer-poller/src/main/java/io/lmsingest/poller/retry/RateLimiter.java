package io.lmsingest.poller.retry;

import java.time.Duration;

/**
 * Client-side request rate limit (token bucket, one request per token). Pure bookkeeping: the
 * caller passes the current time and sleeps for what {@link #reserve} returns.
 */
public final class RateLimiter {
  private final double perSecond;
  private final double burst;
  private double tokens;
  private long lastNanos;
  private boolean started;

  public RateLimiter(double perSecond, int burst) {
    if (perSecond <= 0 || burst < 1) {
      throw new IllegalArgumentException("rate limit needs perSecond > 0 and burst >= 1");
    }
    this.perSecond = perSecond;
    this.burst = burst;
    this.tokens = burst;
  }

  /**
   * Takes one token at time {@code nowNanos}; returns how long to wait before the request may go.
   */
  public synchronized Duration reserve(long nowNanos) {
    if (started) {
      tokens = Math.min(burst, tokens + (nowNanos - lastNanos) / 1e9 * perSecond);
    }
    started = true;
    lastNanos = nowNanos;
    tokens -= 1;
    if (tokens >= 0) {
      return Duration.ZERO;
    }
    return Duration.ofNanos((long) (-tokens / perSecond * 1e9));
  }
}
