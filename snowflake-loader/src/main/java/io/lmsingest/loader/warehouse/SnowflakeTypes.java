package io.lmsingest.loader.warehouse;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which Snowflake column types a Bronze value may land in. Types are compared by family (what
 * INFER_SCHEMA prints, {@code NUMBER(38, 0)} or {@code TIMESTAMP_LTZ}, and what information_schema
 * prints, {@code NUMBER} or {@code TIMESTAMP_NTZ}, name the same families). The rules are in
 * docs/snowflake.md ("Type fidelity"); the loader relies on a session in UTC, where a UTC-adjusted
 * Parquet timestamp (TIMESTAMP_LTZ) stored in a TIMESTAMP_NTZ column keeps its UTC wall time.
 */
public final class SnowflakeTypes {
  private static final Map<Pattern, String> FAMILIES =
      Map.ofEntries(
          Map.entry(
              family("(VARCHAR|TEXT|STRING|CHAR|CHARACTER|NCHAR|NVARCHAR)(\\(\\d+\\))?"), "TEXT"),
          Map.entry(
              family(
                  "(NUMBER|DECIMAL|NUMERIC)(\\(\\d+(,0)?\\))?|INT|INTEGER|BIGINT|SMALLINT|TINYINT|BYTEINT"),
              "FIXED"),
          Map.entry(family("(NUMBER|DECIMAL|NUMERIC)\\(\\d+,[1-9]\\d*\\)"), "DECIMAL"),
          Map.entry(family("FLOAT|FLOAT4|FLOAT8|DOUBLE|DOUBLEPRECISION|REAL"), "REAL"),
          Map.entry(family("BOOLEAN"), "BOOLEAN"),
          Map.entry(family("(TIMESTAMP_NTZ|DATETIME|TIMESTAMP)(\\(\\d\\))?"), "TIMESTAMP_NTZ"),
          Map.entry(family("TIMESTAMP_LTZ(\\(\\d\\))?"), "TIMESTAMP_LTZ"),
          Map.entry(family("TIMESTAMP_TZ(\\(\\d\\))?"), "TIMESTAMP_TZ"),
          Map.entry(family("DATE"), "DATE"),
          Map.entry(family("VARIANT"), "VARIANT"),
          Map.entry(family("OBJECT"), "OBJECT"),
          Map.entry(family("ARRAY"), "ARRAY"),
          Map.entry(family("BINARY|VARBINARY"), "BINARY"));

  /** Inferred family → the column families it loads into without losing meaning. */
  private static final Map<String, Set<String>> LOADS_INTO =
      Map.ofEntries(
          Map.entry("TEXT", Set.of("TEXT")),
          Map.entry("FIXED", Set.of("FIXED")),
          Map.entry("DECIMAL", Set.of("DECIMAL")),
          Map.entry("REAL", Set.of("REAL")),
          Map.entry("BOOLEAN", Set.of("BOOLEAN")),
          // Needs TIMEZONE = 'UTC' in the session for NTZ (set by the loader, checked by `loader
          // check`).
          Map.entry("TIMESTAMP_LTZ", Set.of("TIMESTAMP_NTZ", "TIMESTAMP_LTZ", "TIMESTAMP_TZ")),
          Map.entry("TIMESTAMP_NTZ", Set.of("TIMESTAMP_NTZ")),
          Map.entry("TIMESTAMP_TZ", Set.of("TIMESTAMP_TZ", "TIMESTAMP_NTZ")),
          Map.entry("DATE", Set.of("DATE")),
          Map.entry("OBJECT", Set.of("OBJECT", "VARIANT")),
          Map.entry("ARRAY", Set.of("ARRAY", "VARIANT")),
          Map.entry("VARIANT", Set.of("VARIANT")),
          Map.entry("BINARY", Set.of("BINARY")));

  private SnowflakeTypes() {}

  private static Pattern family(String regex) {
    return Pattern.compile(regex);
  }

  /** The family of a Snowflake type name; an error for a name this loader does not know. */
  public static String familyOf(String type) {
    String t = type.toUpperCase(Locale.ROOT).replaceAll("\\s", "");
    for (Map.Entry<Pattern, String> e : FAMILIES.entrySet()) {
      if (e.getKey().matcher(t).matches()) {
        return e.getValue();
      }
    }
    throw new IllegalArgumentException("unknown Snowflake type '" + type + "'");
  }

  /** Whether a value INFER_SCHEMA types as {@code inferred} lands whole in a {@code column}. */
  public static boolean loadsInto(String inferred, String column) {
    return LOADS_INTO.getOrDefault(familyOf(inferred), Set.of()).contains(familyOf(column));
  }

  /**
   * The column type a new field of the files gets (schema evolution): UTC timestamps become
   * TIMESTAMP_NTZ like the others, a map becomes VARIANT (an OBJECT inside), the rest as inferred.
   */
  public static String columnFor(String inferred) {
    return switch (familyOf(inferred)) {
      case "TIMESTAMP_LTZ", "TIMESTAMP_TZ" -> "TIMESTAMP_NTZ";
      case "OBJECT", "ARRAY" -> "VARIANT";
      default -> inferred.toUpperCase(Locale.ROOT).replaceAll("\\s", "");
    };
  }
}
