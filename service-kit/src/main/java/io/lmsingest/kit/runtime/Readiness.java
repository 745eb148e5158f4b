package io.lmsingest.kit.runtime;

/** The answer of {@code GET /ready}: ready, or not with a reason an operator can act on. */
public record Readiness(boolean isReady, String reason) {
  public static final Readiness READY = new Readiness(true, "ready");

  public static Readiness notReady(String reason) {
    return new Readiness(false, reason);
  }
}
