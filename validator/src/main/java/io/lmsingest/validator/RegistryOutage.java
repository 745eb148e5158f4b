package io.lmsingest.validator;

import io.lmsingest.serde.SchemaRegistryException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Whether the schema registry is failing the validator now: set when a record could not be decoded
 * because the registry did not answer (the record waits, it is not rejected), cleared by the next
 * record decoded. Shared by the stream threads and the alert watcher.
 */
public final class RegistryOutage {
  private final AtomicReference<Instant> since = new AtomicReference<>();
  private final AtomicInteger failures = new AtomicInteger();

  /** The registry's failure behind {@code failure}, if the registry was unavailable. */
  public static Optional<SchemaRegistryException> cause(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SchemaRegistryException e && e.unavailable()) {
        return Optional.of(e);
      }
    }
    return Optional.empty();
  }

  void failed(Instant now) {
    since.compareAndSet(null, now);
    failures.incrementAndGet();
  }

  void recovered() {
    if (since.getAndSet(null) != null) {
      failures.set(0);
    }
  }

  /** Since when the registry has been failing, if it is. */
  public Optional<Instant> since() {
    return Optional.ofNullable(since.get());
  }

  /** How long a stream thread waits before its task retries: 0.5 s doubling up to 30 s. */
  Duration nextWait() {
    int n = Math.max(1, failures.get());
    return Duration.ofMillis(Math.min(30_000L, 500L << Math.min(n - 1, 6)));
  }
}
