package io.lmsingest.loader.warehouse;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A column as the warehouse names and types it (names compared case-insensitively, stored lower
 * case).
 */
public record Column(String name, String type) {
  /** A type name as warehouses print them: words, digits, parentheses, commas, spaces. */
  private static final Pattern TYPE = Pattern.compile("[A-Za-z][A-Za-z0-9_(), ]{0,200}");

  public Column {
    name = Identifier.of(name, "column").toLowerCase(Locale.ROOT);
    if (type == null || !TYPE.matcher(type).matches()) {
      throw new IllegalArgumentException(
          "column " + name + " has type '" + type + "', which is not a plain SQL type name");
    }
  }
}
