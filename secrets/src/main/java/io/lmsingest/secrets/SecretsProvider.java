package io.lmsingest.secrets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Resolves secret references to values, caching each for a TTL so a rotated secret is picked up
 * within that time, and on demand ({@link #refresh}) when a server rejects the old value.
 */
public final class SecretsProvider {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<SecretReference.Scheme, SecretSource> sources;
  private final Duration ttl;
  private final Clock clock;
  private final Map<SecretReference, Cached> cache = new ConcurrentHashMap<>();

  private record Cached(Secret secret, Instant fetchedAt) {}

  public SecretsProvider(
      Map<SecretReference.Scheme, SecretSource> sources, Duration ttl, Clock clock) {
    this.sources = new EnumMap<>(sources);
    this.ttl = ttl;
    this.clock = clock;
  }

  /** The value at {@code reference}: from the cache while it is younger than the TTL. */
  public Secret get(SecretReference reference) {
    Cached cached = cache.get(reference);
    if (cached != null && cached.fetchedAt().plus(ttl).isAfter(clock.instant())) {
      return cached.secret();
    }
    return refresh(reference);
  }

  /**
   * Reads {@code reference} again, bypassing the cache (after a 401, say: it may have been
   * rotated).
   */
  public Secret refresh(SecretReference reference) {
    SecretSource source = sources.get(reference.scheme());
    if (source == null) {
      throw new SecretUnavailableException(
          "no source configured for " + reference.scheme() + " secrets (" + reference + ")", null);
    }
    String raw = source.fetch(reference);
    Secret secret = Secret.of(reference.jsonKey().isPresent() ? field(reference, raw) : raw);
    cache.put(reference, new Cached(secret, clock.instant()));
    return secret;
  }

  private static String field(SecretReference reference, String raw) {
    String key = reference.jsonKey().orElseThrow();
    JsonNode json;
    try {
      json = JSON.readTree(raw);
    } catch (IOException e) {
      // Never quote the content: it is the secret.
      throw new SecretUnavailableException(
          "secret " + reference + " is not a JSON object, so #" + key + " cannot be read", null);
    }
    JsonNode value = json == null ? null : json.get(key);
    if (value == null || value.isNull() || !value.isValueNode()) {
      throw new SecretUnavailableException(
          "secret " + reference + " has no string field '" + key + "'", null);
    }
    return value.asText();
  }
}
