package io.lmsingest.loader.warehouse;

import java.util.regex.Pattern;

/**
 * The only way a name from config or from a file's schema reaches SQL: plain identifiers, checked,
 * never quoted or spliced raw.
 */
public final class Identifier {
  private static final Pattern PLAIN = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]{0,254}");
  private static final Pattern QUALIFIED =
      Pattern.compile("[A-Za-z_][A-Za-z0-9_$]{0,254}(\\.[A-Za-z_][A-Za-z0-9_$]{0,254}){0,2}");

  private Identifier() {}

  /** {@code value} if it is a plain identifier; otherwise an error naming {@code what}. */
  public static String of(String value, String what) {
    if (value == null || !PLAIN.matcher(value).matches()) {
      throw new IllegalArgumentException(
          what + " '" + value + "' is not a plain SQL identifier (letters, digits, _ and $)");
    }
    return value;
  }

  /** A possibly qualified name: {@code name}, {@code schema.name} or {@code db.schema.name}. */
  public static String qualified(String value, String what) {
    if (value == null || !QUALIFIED.matcher(value).matches()) {
      throw new IllegalArgumentException(
          what + " '" + value + "' is not a (qualified) SQL identifier");
    }
    return value;
  }
}
