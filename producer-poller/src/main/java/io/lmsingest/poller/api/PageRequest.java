package io.lmsingest.poller.api;

import java.net.URI;
import java.time.Instant;
import java.util.Optional;

/**
 * One page request: the first of a run asks by {@code since}; later ones follow the API's next
 * pointer.
 */
public record PageRequest(Optional<Instant> since, Optional<URI> next) {
  public static PageRequest since(Instant since) {
    return new PageRequest(Optional.of(since), Optional.empty());
  }

  public static PageRequest next(URI next) {
    return new PageRequest(Optional.empty(), Optional.of(next));
  }

  @Override
  public String toString() {
    return since.map(s -> "since=" + s).orElseGet(() -> "next=" + next.orElseThrow());
  }
}
