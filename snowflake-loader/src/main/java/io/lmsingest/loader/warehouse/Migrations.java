package io.lmsingest.loader.warehouse;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates and migrates the warehouse tables from versioned DDL files, {@code
 * db/<dialect>/V<n>__<what>.sql} listed in {@code db/<dialect>/migrations.txt}; what ran is
 * recorded in {@code schema_history}.
 */
public final class Migrations {
  private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);

  private Migrations() {}

  /** The scripts of a dialect, in order. */
  public static List<String> scripts(String dialect) throws IOException {
    String index = resource("db/" + dialect + "/migrations.txt");
    return Arrays.stream(index.split("\n"))
        .map(String::strip)
        .filter(l -> !l.isEmpty() && !l.startsWith("#"))
        .toList();
  }

  /** The statements of one script (split at semicolons ending a line; comments dropped). */
  public static List<String> statements(String dialect, String script) throws IOException {
    List<String> statements = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : resource("db/" + dialect + "/" + script).split("\n")) {
      if (line.strip().startsWith("--")) {
        continue;
      }
      current.append(line).append('\n');
      if (line.strip().endsWith(";")) {
        String statement = current.toString().strip();
        statements.add(statement.substring(0, statement.length() - 1));
        current.setLength(0);
      }
    }
    if (!current.toString().isBlank()) {
      throw new IllegalStateException(script + " ends without a semicolon");
    }
    return statements;
  }

  /** Applies every script not yet recorded. Returns how many ran. */
  public static int apply(Connection connection, String dialect) throws SQLException, IOException {
    boolean autoCommit = connection.getAutoCommit();
    connection.setAutoCommit(true);
    try (Statement st = connection.createStatement()) {
      st.execute(
          "CREATE TABLE IF NOT EXISTS schema_history (version VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)");
    }
    List<String> applied = new ArrayList<>();
    try (Statement st = connection.createStatement();
        ResultSet rs = st.executeQuery("SELECT version FROM schema_history")) {
      while (rs.next()) {
        applied.add(rs.getString(1));
      }
    }
    int ran = 0;
    for (String script : scripts(dialect)) {
      if (applied.contains(script)) {
        continue;
      }
      try (Statement st = connection.createStatement()) {
        for (String statement : statements(dialect, script)) {
          st.execute(statement);
        }
      }
      try (PreparedStatement record =
          connection.prepareStatement("INSERT INTO schema_history VALUES (?, CURRENT_TIMESTAMP)")) {
        record.setString(1, script);
        record.executeUpdate();
      }
      LOG.info("warehouse migration applied: {}/{}", dialect, script);
      ran++;
    }
    connection.setAutoCommit(autoCommit);
    return ran;
  }

  private static String resource(String path) throws IOException {
    try (InputStream in = Migrations.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IOException("missing resource " + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
