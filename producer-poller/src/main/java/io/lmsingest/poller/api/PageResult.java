package io.lmsingest.poller.api;

import java.util.Optional;

/** What a fully read page said about itself. */
public record PageResult(int records, Optional<PageRequest> next) {
  public boolean hasMore() {
    return next.isPresent();
  }
}
