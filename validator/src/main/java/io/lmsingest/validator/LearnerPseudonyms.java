package io.lmsingest.validator;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.UnaryOperator;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Keyed pseudonymisation of learner ids (FERPA): {@code p_} + the first 128 bits of
 * HMAC-SHA256(key, learner_id), hex. The same key gives the same pseudonym on every run and every
 * replay, so joins and counts per learner still work downstream; without the key (kept in Secrets
 * Manager) it cannot be reversed or recomputed. Off unless a key is configured.
 */
public final class LearnerPseudonyms implements UnaryOperator<String> {
  private final Mac mac;

  private LearnerPseudonyms(byte[] key) {
    try {
      mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
    }
  }

  /** A pseudonymiser with {@code key}; one per stream task (a Mac is not thread-safe). */
  public static LearnerPseudonyms withKey(String key) {
    if (key.length() < 16) {
      throw new IllegalArgumentException("a pseudonymisation key needs at least 16 characters");
    }
    return new LearnerPseudonyms(key.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public String apply(String learnerId) {
    byte[] digest = mac.doFinal(learnerId.getBytes(StandardCharsets.UTF_8));
    return "p_" + HexFormat.of().formatHex(digest, 0, 16);
  }
}
