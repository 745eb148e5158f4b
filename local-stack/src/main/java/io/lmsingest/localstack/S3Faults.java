package io.lmsingest.localstack;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Faults the local S3 server injects into writes, per bucket, so one test's chaos never reaches
 * another test's bucket. The server answers with real HTTP errors: the client under test sees
 * exactly what a misbehaving S3 would send it.
 */
public final class S3Faults {
  /**
   * Probabilities (0..1) per write request. {@code failBeforeWrite}: a 500 and nothing stored.
   * {@code failAfterWrite}: the object IS stored, then a 500 (the client cannot tell it worked).
   * {@code falsePreconditionFailed}: a 412 on a conditional create although nothing is there.
   * {@code slow}: the request first waits {@code slowMillis}.
   */
  public record Plan(
      double failBeforeWrite,
      double failAfterWrite,
      double falsePreconditionFailed,
      double slow,
      long slowMillis) {
    public static final Plan NONE = new Plan(0, 0, 0, 0, 0);

    public Plan {
      for (double p :
          new double[] {failBeforeWrite, failAfterWrite, falsePreconditionFailed, slow}) {
        if (p < 0 || p > 1) {
          throw new IllegalArgumentException("fault probabilities are between 0 and 1, got " + p);
        }
      }
    }
  }

  /** What was injected so far, so a test can prove its faults happened. */
  public enum Kind {
    FAIL_BEFORE_WRITE,
    FAIL_AFTER_WRITE,
    FALSE_PRECONDITION_FAILED,
    SLOW
  }

  private final Map<String, Plan> plans = new ConcurrentHashMap<>();
  private final Map<Kind, AtomicLong> injected = new ConcurrentHashMap<>();

  public void inject(String bucket, Plan plan) {
    plans.put(bucket, plan);
  }

  public void clear(String bucket) {
    plans.remove(bucket);
  }

  public long injected(Kind kind) {
    AtomicLong count = injected.get(kind);
    return count == null ? 0 : count.get();
  }

  Plan planFor(String bucket) {
    return plans.getOrDefault(bucket, Plan.NONE);
  }

  boolean roll(Kind kind, double probability) {
    if (probability > 0 && ThreadLocalRandom.current().nextDouble() < probability) {
      injected.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
      return true;
    }
    return false;
  }
}
