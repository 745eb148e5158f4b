package io.lmsingest.poller;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where a new source starts when asked to start from the warehouse: {@code MAX(updated_at)} of the
 * analytics table, the seed design's high-water mark. Used only while the source has no cursor in
 * Kafka; the cursor topic is the truth after that.
 */
public final class WarehouseStart {
  private static final Pattern IDENTIFIER =
      Pattern.compile("[A-Za-z_][A-Za-z0-9_$]{0,254}(\\.[A-Za-z_][A-Za-z0-9_$]{0,254}){0,2}");

  private WarehouseStart() {}

  /** The newest updated_at in {@code table}, or empty if the table has no rows. */
  public static Optional<Instant> maxUpdatedAt(String jdbcUrl, String table, String column) {
    // Identifiers come from config: validate them, never splice them raw into SQL.
    for (String identifier : new String[] {table, column}) {
      if (!IDENTIFIER.matcher(identifier).matches()) {
        throw new IllegalArgumentException(
            "'"
                + identifier
                + "' is not a valid SQL identifier (letters, digits, _ and $; up to db.schema.table)");
      }
    }
    String sql = "SELECT MAX(" + column + ") FROM " + table;
    try (Connection connection = DriverManager.getConnection(jdbcUrl);
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery(sql)) {
      result.next();
      Object value = result.getObject(1);
      if (value == null) {
        return Optional.empty();
      }
      if (value instanceof OffsetDateTime odt) {
        return Optional.of(odt.toInstant());
      }
      if (value instanceof Timestamp || value instanceof LocalDateTime) {
        // A timestamp without time zone holds UTC in this pipeline's tables.
        return Optional.of(result.getObject(1, LocalDateTime.class).toInstant(ZoneOffset.UTC));
      }
      return Optional.of(result.getObject(1, OffsetDateTime.class).toInstant());
    } catch (SQLException e) {
      throw new IllegalStateException(
          "cannot read "
              + sql
              + " from the warehouse at "
              + redact(jdbcUrl)
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /** The URL without user info or password parameters, for messages. */
  static String redact(String jdbcUrl) {
    return jdbcUrl
        .replaceAll("//[^/@]*@", "//[redacted]@")
        .replaceAll("(?i)(password|pwd|private_key[a-z_]*)=[^&;]*", "$1=[redacted]");
  }
}
