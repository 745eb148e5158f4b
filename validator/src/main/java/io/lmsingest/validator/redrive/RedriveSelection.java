package io.lmsingest.validator.redrive;

import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Which DLQ records to redrive: by rule (any of {@code rules}; empty = every rule), by partition,
 * and by offset range [{@code fromOffset}, {@code toOffset}] (inclusive; empty = open).
 */
public record RedriveSelection(
    Set<String> rules, OptionalInt partition, OptionalLong fromOffset, OptionalLong toOffset) {

  public RedriveSelection {
    rules = Set.copyOf(rules);
    if (fromOffset.isPresent()
        && toOffset.isPresent()
        && toOffset.getAsLong() < fromOffset.getAsLong()) {
      throw new IllegalArgumentException(
          "--to-offset "
              + toOffset.getAsLong()
              + " is before --from-offset "
              + fromOffset.getAsLong());
    }
  }

  public static RedriveSelection all() {
    return new RedriveSelection(
        Set.of(), OptionalInt.empty(), OptionalLong.empty(), OptionalLong.empty());
  }

  boolean covers(int partition) {
    return this.partition.isEmpty() || this.partition.getAsInt() == partition;
  }

  boolean selects(long offset, Optional<String> rule) {
    return (fromOffset.isEmpty() || offset >= fromOffset.getAsLong())
        && (toOffset.isEmpty() || offset <= toOffset.getAsLong())
        && (rules.isEmpty() || rule.filter(rules::contains).isPresent());
  }
}
