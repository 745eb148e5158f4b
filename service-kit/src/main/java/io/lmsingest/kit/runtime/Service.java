package io.lmsingest.kit.runtime;

import io.lmsingest.kit.metrics.ServiceMetrics;

/**
 * What {@link ServiceRunner} runs: one pipeline service, built from its config. {@link #run} blocks
 * until {@link #stop} is called (from the SIGTERM hook) or the service fails; {@link #close} then
 * releases its clients.
 */
public interface Service extends AutoCloseable {
  /**
   * Works until stopped; returns normally after {@link #stop}, throws when the service cannot go
   * on.
   */
  void run() throws Exception;

  /** Asks {@link #run} to return soon, at a safe point (never in the middle of a commit). */
  void stop();

  ServiceMetrics metrics();

  /** Whether the service is doing its job right now, and if not, why (for {@code GET /ready}). */
  Readiness readiness();

  /**
   * Liveness beyond "has not failed": false when the service is stuck (a loop that stopped turning,
   * see {@link Heartbeat}); {@code GET /health} then answers 503.
   */
  default boolean alive() {
    return true;
  }
}
