package io.lmsingest.bench;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A fixed task on one core, timed beside every benchmark run: SHA-256 of 2 GB of zeros (~1.1 s
 * here: the JDK uses the CPU's SHA instructions). This box's speed drifts by up to 1.4× between
 * days (BENCHMARKS.md), more than most changes under test; a run read next to its yardstick can be
 * put beside a run of another day.
 */
final class CpuYardstick {
  static final long BYTES = 2_000_000_000L;
  private static final int CHUNK = 1 << 20;

  private CpuYardstick() {}

  /** Seconds to hash {@link #BYTES} bytes, after a short warm-up so the JIT is not in it. */
  static double seconds() {
    sha256OfZeros(32L * CHUNK);
    long started = System.nanoTime();
    sha256OfZeros(BYTES);
    return (System.nanoTime() - started) / 1e9;
  }

  /** What a benchmark prints about the box: the yardstick before and after what it measured. */
  static String describe(double before, double after) {
    return String.format(
        "the box: SHA-256 of %,d zero bytes on one core took %.2f s before and %.2f s after"
            + " (compare runs of different days by it)",
        BYTES, before, after);
  }

  /** The SHA-256 digest of {@code bytes} zero bytes. */
  static byte[] sha256OfZeros(long bytes) {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
    byte[] zeros = new byte[CHUNK];
    for (long left = bytes; left > 0; left -= CHUNK) {
      digest.update(zeros, 0, (int) Math.min(CHUNK, left));
    }
    return digest.digest();
  }
}
