package io.lmsingest.loader.warehouse;

import java.util.Locale;

/**
 * A column as the warehouse names and types it (names compared case-insensitively, stored lower
 * case).
 */
public record Column(String name, String type) {
  public Column {
    name = Identifier.of(name, "column").toLowerCase(Locale.ROOT);
  }
}
