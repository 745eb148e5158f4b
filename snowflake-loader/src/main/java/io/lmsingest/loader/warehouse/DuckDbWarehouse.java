package io.lmsingest.loader.warehouse;

import io.lmsingest.kit.runtime.ProcessWorkDir;
import io.lmsingest.loader.manifest.MicroBatch;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.duckdb.DuckDBConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The embedded warehouse. DuckDB cannot reach S3 here (httpfs is not downloadable offline), so a
 * batch's objects are fetched through the S3 client into a staging directory (size and SHA-256
 * checked against the manifest). The row checks, quarantine and MERGE then read the staged files
 * with {@code read_parquet}; with {@code keepRaw} the files are first appended to RAW and the
 * batch's rows read back from RAW by batch id, as in Snowflake.
 */
public final class DuckDbWarehouse implements Warehouse {
  private static final DateTimeFormatter TS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

  private static final Logger LOG = LoggerFactory.getLogger(DuckDbWarehouse.class);

  private final Path database;
  private final DuckDbSettings settings;

  /** Sessions open on this database in this process: this one and its {@link #anotherSession}s. */
  private final AtomicInteger sessions;

  private Connection connection;
  private final S3Client s3;
  private final String bucket;
  private final Path stagingDir;
  private final long checkpointRows;
  private long rowsSinceCheckpoint;
  private long renewals;
  private boolean reopenPending;

  public DuckDbWarehouse(
      Path database, DuckDbSettings settings, S3Client s3, String bucket, Path stagingDir)
      throws SQLException, IOException {
    this(
        database, settings, open(database, settings), new AtomicInteger(1), s3, bucket, stagingDir);
  }

  private static Connection open(Path database, DuckDbSettings settings)
      throws SQLException, IOException {
    Files.createDirectories(database.toAbsolutePath().getParent());
    Connection connection = DriverManager.getConnection("jdbc:duckdb:" + database.toAbsolutePath());
    try (Statement st = connection.createStatement()) {
      for (String set : settings.statements()) {
        st.execute(set);
      }
    } catch (SQLException e) {
      connection.close();
      throw e;
    }
    return connection;
  }

  private DuckDbWarehouse(
      Path database,
      DuckDbSettings settings,
      Connection connection,
      AtomicInteger sessions,
      S3Client s3,
      String bucket,
      Path stagingDir)
      throws SQLException {
    this.database = database;
    this.settings = settings;
    this.sessions = sessions;
    this.connection = utc(connection);
    this.checkpointRows = settings.checkpointRows();
    this.s3 = s3;
    this.bucket = bucket;
    this.stagingDir = stagingDir;
  }

  private static Connection utc(Connection connection) throws SQLException {
    try (Statement st = connection.createStatement()) {
      // TIMESTAMP columns hold UTC; Parquet's UTC-adjusted times convert with no offset.
      st.execute("SET TimeZone = 'UTC'");
    }
    return connection;
  }

  @Override
  public String dialect() {
    return "duckdb";
  }

  /**
   * The session; opens the database again first if {@link #rolledBack} closed it and could not
   * reopen it (then an {@link UncheckedIOException}: the surroundings, retried, never the batch's
   * fault).
   */
  @Override
  public Connection connection() {
    if (reopenPending) {
      try {
        connection = utc(open(database, settings));
        reopenPending = false;
      } catch (SQLException | IOException e) {
        throw new UncheckedIOException(
            new IOException("warehouse " + database + " could not be opened again: " + e, e));
      }
    }
    return connection;
  }

  @Override
  public Staged stage(MicroBatch batch) throws IOException {
    Path dir = stagingDir.resolve(batch.id());
    List<String> locations = new ArrayList<>();
    for (MicroBatch.FileRef f : batch.files()) {
      Path local = dir.resolve(f.key()).normalize();
      if (!local.startsWith(dir)) { // MicroBatch refuses such keys; never write outside anyway
        throw new UnloadableFileException(
            "object key " + f.key() + " leads outside the staging directory");
      }
      Files.createDirectories(local.getParent());
      MessageDigest sha = sha256();
      try (InputStream in =
          new DigestInputStream(s3.getObject(b -> b.bucket(bucket).key(f.key())), sha)) {
        Files.copy(in, local, StandardCopyOption.REPLACE_EXISTING);
      }
      String checksum = HexFormat.of().formatHex(sha.digest());
      if (Files.size(local) != f.file().getSizeBytes()
          || !checksum.equals(f.file().getChecksum())) {
        throw new UnloadableFileException(
            "object "
                + f.key()
                + " does not match its manifest "
                + f.manifestId()
                + " (size "
                + Files.size(local)
                + " vs "
                + f.file().getSizeBytes()
                + ", sha256 "
                + checksum
                + " vs "
                + f.file().getChecksum()
                + ")");
      }
      locations.add(local.toString());
    }
    return new Staged(batch, locations);
  }

  @Override
  public List<Column> fileColumns(Staged staged) throws SQLException {
    List<Column> columns = new ArrayList<>();
    try (Statement st = connection.createStatement();
        ResultSet rs = st.executeQuery("DESCRIBE SELECT * FROM " + readParquet(staged))) {
      while (rs.next()) {
        String name = rs.getString("column_name");
        if (!name.equals("filename")) {
          columns.add(new Column(name, warehouseType(rs.getString("column_type"))));
        }
      }
    }
    return columns;
  }

  /**
   * Parquet's UTC-adjusted timestamps arrive as TIMESTAMP WITH TIME ZONE; the tables keep UTC
   * TIMESTAMPs.
   */
  static String warehouseType(String parquetType) {
    return parquetType.equals("TIMESTAMP WITH TIME ZONE") ? "TIMESTAMP" : parquetType;
  }

  @Override
  public List<String> copyStatements(Staged staged, List<Column> fileColumns) {
    if (!settings.keepRaw()) {
      return List.of(); // batchRows reads the staged files
    }
    String names = fileColumns.stream().map(Column::name).collect(Collectors.joining(", "));
    // Straight into RAW, which then is the batch's rows (batchRows): a temporary copy of the batch
    // first cost a third of a large batch's time and spilled past memory_limit.
    return List.of(
        // Cheap when nothing is there: min/max of _batch_id skips the row groups.
        RawBatch.delete(staged.batch().id()),
        "INSERT INTO raw_learner_activity ("
            + names
            + ", _file_key, _batch_id) SELECT "
            + fileColumns.stream().map(DuckDbWarehouse::converted).collect(Collectors.joining(", "))
            + ", "
            + tags(staged)
            + " FROM "
            + readParquet(staged));
  }

  /** A file column as its table column's type. */
  private static String converted(Column column) {
    return column.type().equals("TIMESTAMP")
        ? utcTimestamp(column.name())
        : "CAST(" + column.name() + " AS " + column.type() + ")";
  }

  /** The {@code _file_key} and {@code _batch_id} of a row read from the staged files. */
  private String tags(Staged staged) {
    String prefix = stagingDir.resolve(staged.batch().id()).toString() + "/";
    return "substr(filename, "
        + (prefix.length() + 1)
        + ") AS _file_key, '"
        + RawBatch.id(staged.batch().id())
        + "' AS _batch_id";
  }

  /**
   * A file's timestamp as the UTC wall-clock TIMESTAMP the tables keep, by arithmetic on its epoch
   * microseconds. The plain {@code CAST} of a UTC-adjusted (TIMESTAMP WITH TIME ZONE) value goes
   * through ICU's calendar for every value: a fifth of a batch's copy (2M rows: 4.8 s against 3.8
   * s). Same value for a timestamp without time zone, and for any session TimeZone.
   */
  static String utcTimestamp(String column) {
    return "make_timestamp(epoch_us(" + column + "))";
  }

  private static String readParquet(Staged staged) {
    return "read_parquet(["
        + staged.locations().stream()
            .map(l -> "'" + l.replace("'", "''") + "'")
            .collect(Collectors.joining(", "))
        // Bronze keys hold dt=YYYY-MM-DD: DuckDB would read it as a column of every file.
        + "], filename = true, union_by_name = true, hive_partitioning = false)";
  }

  /**
   * The batch's rows, each with a unique {@link #rowKey}: RAW's, keyed by {@code rowid}, with
   * {@code keepRaw}; else the staged files' rows in RAW's columns, keyed by file and row number.
   */
  @Override
  public String batchRows(Staged staged, List<Column> fileColumns) throws SQLException {
    if (settings.keepRaw()) {
      return "(SELECT rowid AS _row, * FROM raw_learner_activity WHERE "
          + RawBatch.filter(staged.batch().id())
          + ") b";
    }
    List<String> select = new ArrayList<>();
    // A Bronze file holds far fewer than 2^32 rows.
    select.add("file_index::BIGINT * 4294967296 + file_row_number AS _row");
    for (Column column : rawDataColumns()) {
      Optional<Column> inFiles =
          fileColumns.stream().filter(c -> c.name().equals(column.name())).findFirst();
      select.add(
          inFiles.map(DuckDbWarehouse::converted).orElse("CAST(NULL AS " + column.type() + ")")
              + " AS "
              + column.name());
    }
    return "(SELECT "
        + String.join(", ", select)
        + ", "
        + tags(staged)
        + " FROM "
        + readParquet(staged)
        + ") b";
  }

  /** RAW's columns but its tags, in table order, with their types. */
  private List<Column> rawDataColumns() throws SQLException {
    List<Column> columns = new ArrayList<>();
    try (Statement st = connection().createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT column_name, data_type FROM information_schema.columns WHERE table_name ="
                    + " 'raw_learner_activity' AND table_schema = current_schema() ORDER BY"
                    + " ordinal_position")) {
      while (rs.next()) {
        String name = rs.getString(1);
        if (!RAW_TAGS.contains(name)) {
          columns.add(new Column(name, rs.getString(2)));
        }
      }
    }
    return columns;
  }

  /**
   * DuckDB's MERGE source picks each activity's newest row by key and row key (see {@link
   * #batchRows}), then reads only those rows whole: sorting whole rows for the window spilled a
   * large batch to disk and more than doubled its MERGE.
   */
  @Override
  public Optional<String> rowKey() {
    return Optional.of("_row");
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
    return "TIMESTAMP '" + TS.format(instant) + "'";
  }

  @Override
  public String emptyMapAsNull(String expr) {
    return "CASE WHEN cardinality(" + expr + ") = 0 THEN NULL ELSE " + expr + " END";
  }

  @Override
  public String lastNonNull(String expr, String over) {
    return "last_value(" + expr + " IGNORE NULLS) OVER (" + over + ")";
  }

  @Override
  public boolean transactionalDdl() {
    return true;
  }

  /** DuckDB does not wait for a row another transaction changed: it fails with a conflict. */
  @Override
  public boolean isContention(SQLException failure) {
    String message = String.valueOf(failure.getMessage());
    return message.contains("Conflict") || message.contains("conflict");
  }

  /**
   * A second session on the same database (DuckDB allows one process to open a file; sessions
   * within it share it), staging into its own directory: what a second loader looks like to the
   * warehouse.
   */
  public DuckDbWarehouse anotherSession(Path stagingDir) throws SQLException {
    DuckDbWarehouse another =
        new DuckDbWarehouse(
            database,
            settings,
            ((DuckDBConnection) connection).duplicate(),
            sessions,
            s3,
            bucket,
            stagingDir);
    sessions.incrementAndGet();
    return another;
  }

  /**
   * After an out-of-memory rollback DuckDB (1.5) can keep the rolled-back update of the load-lock
   * row: every later transaction then fails with "Conflict on tuple deletion" although no other
   * session exists, and the loader would wait for a lock nobody holds. So after running out of
   * memory, or after a conflict while this is the only session on the database, the session is
   * closed and the database opened again (the only session closing shuts the database down; its
   * committed data is in the file and the write-ahead log). With other sessions open a conflict is
   * another loader's lock, and the database stays open either way.
   */
  @Override
  public void rolledBack(Exception failure) throws SQLException {
    boolean outOfMemory = isOutOfMemory(failure);
    boolean alone = sessions.get() == 1;
    if (!alone || !(outOfMemory || (failure instanceof SQLException sql && isContention(sql)))) {
      return;
    }
    long started = System.nanoTime();
    connection.close();
    reopenPending = true;
    connection(); // throws UncheckedIOException if the database does not open again
    renewals++;
    LOG.warn(
        "warehouse session renewed after {} with no other session open: closed and reopened {} in"
            + " {} ms",
        outOfMemory ? "running out of memory" : "a conflict",
        database,
        (System.nanoTime() - started) / 1_000_000);
  }

  /** How many times {@link #rolledBack} opened the database again. */
  public long renewals() {
    return renewals;
  }

  /**
   * DuckDB fails a transaction whose data does not fit {@code memory_limit} (it does not spill).
   */
  @Override
  public boolean isOutOfMemory(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SQLException && String.valueOf(t.getMessage()).contains("Out of Memory")) {
        return true;
      }
    }
    return false;
  }

  /** Checkpoints once {@code duckdb.checkpoint.rows} rows were copied since the last one. */
  @Override
  public Optional<Duration> afterCommit(long rowsCopied) {
    rowsSinceCheckpoint += rowsCopied;
    if (checkpointRows == 0 || rowsSinceCheckpoint < checkpointRows) {
      return Optional.empty();
    }
    long started = System.nanoTime();
    try (Statement st = connection.createStatement()) {
      st.execute("CHECKPOINT");
    } catch (SQLException e) {
      // Another session's open transaction (a second loader in tests) or memory: the batch is
      // committed either way; the next batch tries again.
      LOG.warn(
          "warehouse checkpoint after {} rows failed; trying again after the next batch: {}",
          rowsSinceCheckpoint,
          e.getMessage());
      return Optional.empty();
    }
    rowsSinceCheckpoint = 0;
    return Optional.of(Duration.ofNanos(System.nanoTime() - started));
  }

  @Override
  public void release(Staged staged) throws IOException {
    Path dir = stagingDir.resolve(staged.batch().id());
    if (Files.exists(dir)) {
      ProcessWorkDir.deleteTree(dir);
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  @Override
  public void close() throws SQLException {
    reopenPending = false;
    if (!connection.isClosed()) {
      sessions.decrementAndGet();
    }
    connection.close();
  }
}
