package io.lmsingest.loader.warehouse;

import io.lmsingest.loader.manifest.MicroBatch;
import java.security.PrivateKey;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * Snowflake: the Bronze files are read in place from an external stage on the bucket's root (a
 * storage integration, no keys in SQL), COPY names exactly the batch's files and matches Parquet
 * columns by name. COPY always runs with {@code FORCE = TRUE}: which files are loaded is decided by
 * LOAD_LEDGER, not by Snowflake's 64-day load history, so an operator's reload is never silently
 * skipped and a re-delivered file is left out by the ledger before COPY ever sees it.
 */
public final class SnowflakeWarehouse implements Warehouse {
  private static final DateTimeFormatter TS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

  /**
   * How Bronze Parquet is read, the same in COPY and in the named format {@code lms_parquet}
   * (db/snowflake/V4): logical types on, so a timestamp-millis column is a timestamp and not its
   * epoch number, and binary is never read as text.
   */
  public static final String FILE_FORMAT_OPTIONS =
      "TYPE = PARQUET USE_LOGICAL_TYPE = TRUE BINARY_AS_TEXT = FALSE";

  private final String stage;
  private final ConnectionFactory factory;
  private Connection connection;

  /** Opens a connection; the loader opens one and keeps it. */
  @FunctionalInterface
  public interface ConnectionFactory {
    Connection open() throws SQLException;
  }

  public SnowflakeWarehouse(String stage, ConnectionFactory factory) {
    this.stage = Identifier.qualified(stage, "snowflake.stage");
    this.factory = factory;
  }

  /**
   * Key-pair authentication: the key object goes to the driver, never a file path or a password.
   */
  public static Properties connectionProperties(
      String user,
      String role,
      String warehouse,
      String database,
      String schema,
      PrivateKey privateKey) {
    Properties p = new Properties();
    putIfSet(p, "role", role);
    putIfSet(p, "warehouse", warehouse);
    putIfSet(p, "db", database);
    putIfSet(p, "schema", schema);
    p.put("user", user);
    p.put("privateKey", Objects.requireNonNull(privateKey, "privateKey"));
    p.put("TIMEZONE", "UTC");
    p.put("JDBC_QUERY_RESULT_FORMAT", "JSON"); // no Arrow: it needs --add-opens on Java 17
    return p;
  }

  public static ConnectionFactory keyPair(String url, Properties properties) {
    return () -> {
      try {
        Class.forName("net.snowflake.client.jdbc.SnowflakeDriver");
      } catch (ClassNotFoundException e) {
        throw new SQLException("snowflake-jdbc is not on the classpath", e);
      }
      return DriverManager.getConnection(url, properties);
    };
  }

  private static void putIfSet(Properties p, String key, String value) {
    if (value != null && !value.isEmpty()) {
      p.put(key, Identifier.of(value, "snowflake." + key));
    }
  }

  @Override
  public String dialect() {
    return "snowflake";
  }

  @Override
  public synchronized Connection connection() {
    try {
      if (connection == null || connection.isClosed()) {
        connection = factory.open();
      }
      return connection;
    } catch (SQLException e) {
      throw new IllegalStateException("cannot connect to Snowflake: " + e.getMessage(), e);
    }
  }

  @Override
  public Staged stage(MicroBatch batch) {
    return new Staged(batch, batch.keys()); // already readable on the stage, by key
  }

  public String inferSchemaQuery(Staged staged) {
    return inferSchemaQuery(stage, staged.locations());
  }

  /**
   * INFER_SCHEMA of some files on a stage, typed with the named format (also what {@code loader
   * check} compares with the tables). The stage and keys must have passed validation.
   */
  public static String inferSchemaQuery(String stage, List<String> keys) {
    return "SELECT COLUMN_NAME, TYPE FROM TABLE(INFER_SCHEMA(LOCATION => '@"
        + stage
        + "', FILES => ("
        + quoted(keys)
        + "), FILE_FORMAT => 'lms_parquet', IGNORE_CASE => TRUE))";
  }

  @Override
  public List<Column> fileColumns(Staged staged) throws SQLException {
    List<Column> columns = new ArrayList<>();
    try (Statement st = connection().createStatement();
        ResultSet rs = st.executeQuery(inferSchemaQuery(staged))) {
      while (rs.next()) {
        columns.add(new Column(rs.getString(1), SnowflakeTypes.columnFor(rs.getString(2))));
      }
    }
    return columns;
  }

  @Override
  public List<String> copyStatements(Staged staged, List<Column> fileColumns) {
    String id = RawBatch.id(staged.batch().id());
    return List.of(
        RawBatch.delete(id),
        "COPY INTO raw_learner_activity FROM @"
            + stage
            + " FILES = ("
            + files(staged)
            + ")"
            + " FILE_FORMAT = ("
            + FILE_FORMAT_OPTIONS
            + ") MATCH_BY_COLUMN_NAME = CASE_INSENSITIVE"
            + " INCLUDE_METADATA = (_file_key = METADATA$FILENAME) FORCE = TRUE ON_ERROR = ABORT_STATEMENT",
        "UPDATE raw_learner_activity SET _batch_id = '"
            + id
            + "' WHERE _batch_id IS NULL AND _file_key IN ("
            + files(staged)
            + ")");
  }

  private static String files(Staged staged) {
    return quoted(staged.locations());
  }

  private static String quoted(List<String> keys) {
    return keys.stream().map(k -> "'" + k + "'").collect(Collectors.joining(", "));
  }

  @Override
  public String batchRows(Staged staged, List<Column> fileColumns) {
    return "(SELECT * FROM raw_learner_activity WHERE "
        + RawBatch.filter(staged.batch().id())
        + ") b";
  }

  @Override
  public String addColumn(String table, Column column) {
    return "ALTER TABLE "
        + Identifier.of(table, "table")
        + " ADD COLUMN IF NOT EXISTS "
        + column.name()
        + " "
        + column.type();
  }

  @Override
  public String timestampLiteral(Instant instant) {
    return "TO_TIMESTAMP_NTZ('" + TS.format(instant) + "')";
  }

  @Override
  public String emptyMapAsNull(String expr) {
    return "CASE WHEN " + expr + " = PARSE_JSON('{}') THEN NULL ELSE " + expr + " END";
  }

  @Override
  public String lastNonNull(String expr, String over) {
    return "LAST_VALUE(" + expr + ") IGNORE NULLS OVER (" + over + ")";
  }

  /**
   * COPY answers one row per file (file, status, rows_parsed, rows_loaded, …): every file of the
   * batch must be there, LOADED, with exactly the manifest's row count.
   */
  @Override
  public void checkCopyResult(ResultSet result, Staged staged) throws SQLException {
    Map<String, Long> expected = new LinkedHashMap<>();
    for (MicroBatch.FileRef f : staged.batch().files()) {
      expected.put(f.key(), f.file().getRowCount());
    }
    List<String> problems = new ArrayList<>();
    while (result.next()) {
      String file = result.getString("file");
      String key =
          expected.keySet().stream()
              .filter(k -> file != null && (file.equals(k) || file.endsWith("/" + k)))
              .findFirst()
              .orElse(null);
      if (key == null) {
        problems.add("COPY reported a file the batch does not name: " + file);
        continue;
      }
      long wanted = expected.remove(key);
      String status = result.getString("status");
      long loaded = result.getLong("rows_loaded");
      if (!"LOADED".equalsIgnoreCase(status) || loaded != wanted) {
        problems.add(
            key + ": status " + status + ", " + loaded + " rows loaded, manifest says " + wanted);
      }
    }
    for (String missing : expected.keySet()) {
      problems.add(missing + ": not in COPY's result (not loaded)");
    }
    if (!problems.isEmpty()) {
      throw new SQLException(
          "COPY did not load the batch's files whole (the batch is rolled back): "
              + String.join("; ", problems));
    }
  }

  @Override
  public boolean transactionalDdl() {
    return false;
  }

  /** A lock wait Snowflake gave up on (too many waiters, or LOCK_TIMEOUT reached). */
  @Override
  public boolean isContention(SQLException failure) {
    String message = String.valueOf(failure.getMessage()).toLowerCase(Locale.ROOT);
    return message.contains("waiters for this lock") || message.contains("lock wait");
  }

  @Override
  public void release(Staged staged) {
    // nothing was copied locally
  }

  @Override
  public synchronized void close() throws SQLException {
    if (connection != null) {
      connection.close();
    }
  }
}
