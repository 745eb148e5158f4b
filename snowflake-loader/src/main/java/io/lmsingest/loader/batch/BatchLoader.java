package io.lmsingest.loader.batch;

import io.lmsingest.kit.runtime.Backoff;
import io.lmsingest.loader.manifest.MicroBatch;
import io.lmsingest.loader.warehouse.Column;
import io.lmsingest.loader.warehouse.Warehouse;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads one micro-batch in ONE warehouse transaction: the load lock, rows of exactly the batch's
 * files into RAW (checked per file against the manifests), rule breakers into quarantine, MERGE
 * into ANALYTICS_READY, ledger rows; commit; then it checks the commit really happened (DuckDB
 * rolls a COMMIT back silently after a failed statement). Files already in the ledger are left out,
 * so nothing is ever merged twice; {@code force} (an operator's reload) loads them again, which the
 * strictly-newer MERGE makes harmless.
 *
 * <p>Two loaders on one warehouse (a second instance, a replay beside the service): each batch
 * transaction first updates the single {@code load_lock} row, which makes them take turns
 * (Snowflake holds an UPDATE's table lock to the end of the transaction; DuckDB fails the second
 * writer with a conflict, retried here), and then checks the ledger again under that lock.
 * Snowflake enforces no unique key, so this check is what keeps a file in the ledger once.
 */
public final class BatchLoader {
  private static final Logger LOG = LoggerFactory.getLogger(BatchLoader.class);

  /** Before this, an activity_timestamp is the poller's placeholder for a missing one. */
  private static final Instant EARLIEST_PLAUSIBLE = Instant.parse("2000-01-01T00:00:00Z");

  private static final Pattern DDL =
      Pattern.compile(
          "\\s*(CREATE|ALTER|DROP|TRUNCATE|GRANT|REVOKE|COMMENT|UNDROP)\\b",
          Pattern.CASE_INSENSITIVE);

  /** A batch meeting another loader's lock this many times in a row fails (and is retried). */
  static final int CONTENTION_ATTEMPTS = 50;

  private static final Backoff CONTENTION_BACKOFF =
      new Backoff(Duration.ofMillis(20), Duration.ofSeconds(2));

  private final Warehouse warehouse;
  private final Clock clock;
  private final String holder;
  // load_batches rows after this loader's last commit (-1: not looked yet), and whether the target
  // may then have held deletes lacking columns; see loadUnderLock.
  private long batchesKnown = -1;
  private boolean targetLacksColumns;

  public BatchLoader(Warehouse warehouse, Clock clock) {
    this(warehouse, clock, defaultHolder());
  }

  /** {@code holder} names this loader in {@code load_lock} (who holds or last held the lock). */
  public BatchLoader(Warehouse warehouse, Clock clock, String holder) {
    this.warehouse = warehouse;
    this.clock = clock;
    this.holder = holder;
  }

  private static String defaultHolder() {
    String host = System.getenv().getOrDefault("HOSTNAME", "localhost");
    return "loader@" + host + "/" + ProcessHandle.current().pid();
  }

  /** Whether {@code failure} is the warehouse lacking memory for the batch (see LoadAttempts). */
  public boolean outOfMemory(Exception failure) {
    return warehouse.isOutOfMemory(failure);
  }

  public BatchResult load(MicroBatch requested, boolean force) throws SQLException, IOException {
    MicroBatch remaining = requested;
    for (int attempt = 1; ; attempt++) {
      Connection c = warehouse.connection();
      c.setAutoCommit(true);
      // Cheap first look outside the transaction; the one that counts runs under the lock.
      MicroBatch batch = force ? remaining : remaining.without(alreadyLoaded(c, remaining.keys()));
      if (batch == null) {
        LOG.info(
            "loader batch {} skipped: all {} files already in the ledger",
            requested.id(),
            requested.files().size());
        return BatchResult.skipped(requested.id());
      }
      try {
        Optional<BatchResult> done = loadUnderLock(c, batch, force);
        if (done.isPresent()) {
          return done.get();
        }
        LOG.info(
            "loader batch {}: another loader committed some of its files meanwhile; loading the rest",
            batch.id());
        remaining = batch;
      } catch (SQLException e) {
        if (attempt >= CONTENTION_ATTEMPTS || !warehouse.isContention(e)) {
          throw e;
        }
        long wait =
            CONTENTION_BACKOFF.delay(attempt, ThreadLocalRandom.current()::nextDouble).toMillis();
        LOG.info(
            "loader batch {}: another loader holds the load lock ({}); trying again in {} ms",
            batch.id(),
            e.getMessage(),
            wait);
        sleep(wait);
        remaining = batch;
      }
    }
  }

  /**
   * One attempt: DDL outside, then ONE transaction that first takes the load lock and checks the
   * ledger again. Empty if another loader committed some of the batch's files in between (nothing
   * was written; the caller retries with the rest).
   */
  private Optional<BatchResult> loadUnderLock(Connection c, MicroBatch batch, boolean force)
      throws SQLException, IOException {
    Warehouse.Staged staged = warehouse.stage(batch);
    try {
      List<Column> fileColumns = warehouse.fileColumns(staged);
      List<String> dataColumns =
          evolve(c, fileColumns); // DDL first: in Snowflake it would commit an open transaction
      Instant started = clock.instant().truncatedTo(ChronoUnit.MILLIS);
      String now = warehouse.timestampLiteral(started);
      String batchRows = warehouse.batchRows(staged, fileColumns);
      MergeStatement.Unknowns unknowns =
          new MergeStatement.Unknowns(
              warehouse.timestampLiteral(EARLIEST_PLAUSIBLE), warehouse::emptyMapAsNull);
      Timestamp startedTs = Timestamp.valueOf(LocalDateTime.ofInstant(started, ZoneOffset.UTC));
      c.setAutoCommit(false);
      try (Statement st = c.createStatement()) {
        try (PreparedStatement lock = c.prepareStatement(MergeStatement.TAKE_LOAD_LOCK)) {
          lock.setString(1, holder);
          lock.setTimestamp(2, startedTs);
          if (lock.executeUpdate() != 1) {
            throw new SQLException(
                "load_lock has no 'loader' row: the warehouse's migrations did not all run");
          }
        }
        if (!force && !alreadyLoaded(c, batch.keys()).isEmpty()) {
          c.rollback();
          c.setAutoCommit(true);
          return Optional.empty();
        }
        if (force) {
          st.executeUpdate(
              "DELETE FROM load_ledger WHERE file_key IN (" + quoted(batch.keys()) + ")");
        }
        long copyStarted = System.nanoTime();
        for (String statement : warehouse.copyStatements(staged, fileColumns)) {
          if (execute(st, statement)) {
            try (ResultSet result = st.getResultSet()) {
              warehouse.checkCopyResult(result, staged);
            }
          }
        }
        long copied = checkRowsPerFile(st, batchRows, batch);
        long copyMillis = (System.nanoTime() - copyStarted) / 1_000_000;
        long quarantined = st.executeUpdate(MergeStatement.quarantine(batchRows, batch.id(), now));
        // Whether the target may hold deletes lacking columns: known from the last batch unless
        // another loader committed one since (load_batches grew by more than ours).
        long batchesBefore = count(st, "SELECT COUNT(*) FROM load_batches");
        if (batchesBefore != batchesKnown) {
          targetLacksColumns = count(st, MergeStatement.lackingDeletes(dataColumns, unknowns)) > 0;
        }
        boolean batchLacksColumns = count(st, unknowns.minimalDeletes(batchRows)) > 0;
        String source =
            batchLacksColumns
                ? MergeStatement.sourceFillingDeletes(
                    batchRows, dataColumns, unknowns, warehouse::lastNonNull)
                : MergeStatement.source(batchRows, dataColumns);
        // The counts read a few columns of the source, the MERGE all of them.
        String mergeSource =
            batchLacksColumns
                ? source
                : warehouse
                    .rowKey()
                    .map(key -> MergeStatement.sourceByRowKey(batchRows, dataColumns, key))
                    .orElse(source);
        long mergeStarted = System.nanoTime();
        long sourceRows;
        long existing;
        long newer;
        Timestamp maxUpdatedAt;
        try (ResultSet rs = st.executeQuery(MergeStatement.counts(source))) {
          rs.next();
          sourceRows = rs.getLong(1);
          existing = rs.getLong(2);
          newer = rs.getLong(3);
          maxUpdatedAt = rs.getTimestamp(4);
        }
        st.executeUpdate(
            MergeStatement.merge(
                mergeSource,
                dataColumns,
                batch.id(),
                now,
                unknowns,
                batchLacksColumns,
                targetLacksColumns));
        long mergeMillis = (System.nanoTime() - mergeStarted) / 1_000_000;
        try (PreparedStatement ledger = c.prepareStatement(MergeStatement.LEDGER_INSERT)) {
          for (MicroBatch.FileRef f : batch.files()) {
            ledger.setString(1, f.key());
            ledger.setString(2, batch.id());
            ledger.setString(3, f.manifestId());
            ledger.setString(4, batch.topic());
            ledger.setInt(5, f.file().getPartition());
            ledger.setLong(6, f.file().getStartOffset());
            ledger.setLong(7, f.file().getEndOffset());
            ledger.setLong(8, f.file().getRowCount());
            ledger.setLong(9, f.file().getSizeBytes());
            ledger.setString(10, f.file().getChecksum());
            ledger.setTimestamp(11, startedTs);
            ledger.addBatch();
          }
          ledger.executeBatch();
        }
        BatchResult result =
            new BatchResult(
                batch.id(),
                batch.files().size(),
                copied,
                sourceRows - existing,
                newer,
                existing - newer,
                quarantined,
                copyMillis,
                mergeMillis,
                Optional.empty());
        try (PreparedStatement record = c.prepareStatement(MergeStatement.BATCH_INSERT)) {
          record.setString(1, batch.id());
          record.setInt(2, result.files());
          record.setLong(3, copied);
          record.setLong(4, result.rowsInserted());
          record.setLong(5, result.rowsUpdated());
          record.setLong(6, result.rowsUnchanged());
          record.setLong(7, quarantined);
          record.setTimestamp(8, maxUpdatedAt);
          record.setTimestamp(9, startedTs);
          record.setTimestamp(
              10, Timestamp.valueOf(LocalDateTime.ofInstant(clock.instant(), ZoneOffset.UTC)));
          record.executeUpdate();
        }
        c.commit();
        c.setAutoCommit(true);
        batchesKnown = batchesBefore + 1;
        targetLacksColumns |= batchLacksColumns;
        confirmCommitted(c, batch, startedTs);
        result = result.withCheckpoint(warehouse.afterCommit(copied));
        LOG.info(
            "loader batch {} committed: files={} copied={} inserted={} updated={} unchanged={} quarantined={} copy_ms={} merge_ms={}{}",
            batch.id(),
            result.files(),
            copied,
            result.rowsInserted(),
            result.rowsUpdated(),
            result.rowsUnchanged(),
            quarantined,
            copyMillis,
            mergeMillis,
            result.checkpoint().map(took -> " checkpoint_ms=" + took.toMillis()).orElse(""));
        return Optional.of(result);
      } catch (SQLException | RuntimeException e) {
        try {
          c.rollback();
          c.setAutoCommit(true);
        } catch (SQLException rollbackFailure) {
          e.addSuppressed(rollbackFailure);
        }
        try {
          warehouse.rolledBack(e);
        } catch (SQLException | IOException | RuntimeException renewFailure) {
          e.addSuppressed(renewFailure);
        }
        throw e;
      }
    } finally {
      warehouse.release(staged);
    }
  }

  /**
   * Sets a batch that keeps failing aside: one row per file in {@code load_quarantined_files} with
   * the reason, in its own transaction. The files stay out of the ledger, so a reconcile or replay
   * loads them once the cause is fixed.
   */
  public void quarantine(MicroBatch batch, String reason, int attempts) throws SQLException {
    Connection c = warehouse.connection();
    c.setAutoCommit(true);
    Timestamp now = Timestamp.valueOf(LocalDateTime.ofInstant(clock.instant(), ZoneOffset.UTC));
    try (PreparedStatement insert = c.prepareStatement(MergeStatement.QUARANTINED_FILE_INSERT)) {
      for (MicroBatch.FileRef f : batch.files()) {
        insert.setString(1, f.key());
        insert.setString(2, f.manifestId());
        insert.setString(3, batch.id());
        insert.setString(4, batch.topic());
        insert.setInt(5, f.file().getPartition());
        insert.setLong(6, f.file().getStartOffset());
        insert.setLong(7, f.file().getEndOffset());
        insert.setLong(8, f.file().getRowCount());
        insert.setInt(9, attempts);
        insert.setString(10, reason.length() > 2_000 ? reason.substring(0, 2_000) : reason);
        insert.setTimestamp(11, now);
        insert.addBatch();
      }
      insert.executeBatch();
    }
    LOG.error(
        "alert=true loader batch {} quarantined after {} failures: files {} are in"
            + " load_quarantined_files, not loaded; reason: {}",
        batch.id(),
        attempts,
        batch.keys(),
        reason);
  }

  /**
   * A statement inside the batch transaction. DDL there would commit the open transaction in
   * Snowflake (half a batch made durable), so it is refused where DDL is not transactional.
   */
  private boolean execute(Statement st, String statement) throws SQLException {
    if (!warehouse.transactionalDdl() && DDL.matcher(statement).lookingAt()) {
      throw new IllegalStateException(
          "refusing DDL inside the batch transaction ("
              + warehouse.dialect()
              + " would commit it implicitly): "
              + statement);
    }
    return st.execute(statement);
  }

  /**
   * RAW must hold exactly the manifest's row count of every file of the batch: a file COPY read
   * partly, twice or not at all fails the batch before anything is merged. Returns the rows.
   */
  private static long checkRowsPerFile(Statement st, String batchRows, MicroBatch batch)
      throws SQLException {
    Map<String, Long> copied = new HashMap<>();
    try (ResultSet rs =
        st.executeQuery("SELECT _file_key, COUNT(*) FROM " + batchRows + " GROUP BY _file_key")) {
      while (rs.next()) {
        copied.put(rs.getString(1), rs.getLong(2));
      }
    }
    List<String> problems = new ArrayList<>();
    long total = 0;
    for (MicroBatch.FileRef f : batch.files()) {
      long rows = copied.getOrDefault(f.key(), 0L);
      total += rows;
      if (rows != f.file().getRowCount()) {
        problems.add(
            f.key()
                + ": "
                + rows
                + " rows copied, manifest "
                + f.manifestId()
                + " says "
                + f.file().getRowCount());
      }
    }
    if (copied.size() != batch.files().size() && problems.isEmpty()) {
      problems.add("rows tagged with files the batch does not name: " + copied.keySet());
    }
    if (!problems.isEmpty()) {
      throw new SQLException(
          "the batch's rows in RAW do not match its manifests (rolled back): "
              + String.join("; ", problems));
    }
    return total;
  }

  private static long count(Statement st, String query) throws SQLException {
    try (ResultSet rs = st.executeQuery(query)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the load lock", e);
    }
  }

  /**
   * The ledger must show the batch after COMMIT; if not, the warehouse rolled it back without
   * saying so.
   */
  static void confirmCommitted(Connection c, MicroBatch batch, Timestamp started)
      throws SQLException {
    try (PreparedStatement check =
        c.prepareStatement(
            "SELECT COUNT(*) FROM load_ledger WHERE batch_id = ? AND loaded_at = ?")) {
      check.setString(1, batch.id());
      check.setTimestamp(2, started);
      try (ResultSet rs = check.executeQuery()) {
        rs.next();
        if (rs.getLong(1) != batch.files().size()) {
          throw new SQLException(
              "the warehouse reported COMMIT of batch "
                  + batch.id()
                  + " but holds "
                  + rs.getLong(1)
                  + " of its "
                  + batch.files().size()
                  + " ledger rows: the transaction was rolled back");
        }
      }
    }
  }

  private static Set<String> alreadyLoaded(Connection c, List<String> keys) throws SQLException {
    Set<String> loaded = new HashSet<>();
    try (Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT file_key FROM load_ledger WHERE file_key IN (" + quoted(keys) + ")")) {
      while (rs.next()) {
        loaded.add(rs.getString(1));
      }
    }
    return loaded;
  }

  /**
   * Adds columns the files have and the tables lack (a newer, compatible Avro schema) to RAW and
   * ANALYTICS_READY, then returns the data columns MERGE carries: RAW's, minus its tags.
   */
  private List<String> evolve(Connection c, List<Column> fileColumns) throws SQLException {
    Map<String, Boolean> raw = columnsOf(c, "raw_learner_activity");
    Set<String> analytics = columnsOf(c, "analytics_ready").keySet();
    try (Statement st = c.createStatement()) {
      for (Column column : fileColumns) {
        if (!raw.containsKey(column.name())) {
          st.execute(warehouse.addColumn("raw_learner_activity", column));
          LOG.info(
              "warehouse column added: raw_learner_activity.{} {}", column.name(), column.type());
        }
        if (!analytics.contains(column.name())) {
          st.execute(warehouse.addColumn("analytics_ready", column));
          LOG.info("warehouse column added: analytics_ready.{} {}", column.name(), column.type());
        }
      }
    }
    return columnsOf(c, "raw_learner_activity").keySet().stream()
        .filter(n -> !Warehouse.RAW_TAGS.contains(n))
        .collect(Collectors.toList());
  }

  static Map<String, Boolean> columnsOf(Connection c, String table) throws SQLException {
    Map<String, Boolean> columns = new LinkedHashMap<>();
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT * FROM " + table + " LIMIT 0")) {
      ResultSetMetaData meta = rs.getMetaData();
      for (int i = 1; i <= meta.getColumnCount(); i++) {
        columns.put(meta.getColumnName(i).toLowerCase(Locale.ROOT), Boolean.TRUE);
      }
    }
    return columns;
  }

  static String quoted(List<String> keys) {
    List<String> out = new ArrayList<>();
    for (String k : keys) {
      out.add(
          "'" + k
              + "'"); // keys were checked against the Bronze key alphabet in MicroBatch (no quotes
      // possible)
    }
    return String.join(", ", out);
  }
}
