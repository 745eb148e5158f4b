package io.lmsingest.loader.warehouse;

import io.lmsingest.loader.manifest.MicroBatch;
import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The seam between the loader and a warehouse. The loader's SQL (quarantine, MERGE, ledger) is
 * shared; a dialect only says how a batch's Parquet files become rows ({@link #copyStatements}),
 * where the batch's rows are read from, how a file's columns are discovered, and how a commit is
 * confirmed.
 */
public interface Warehouse extends AutoCloseable {
  /** RAW's columns that tag a row with its file and batch; every other column is data. */
  Set<String> RAW_TAGS = Set.of("_file_key", "_batch_id");

  /** {@code duckdb} or {@code snowflake}: also the DDL directory under {@code db/}. */
  String dialect();

  Connection connection();

  /**
   * Makes the batch's objects readable by the warehouse (DuckDB: downloads them; Snowflake: they
   * are on the stage).
   */
  Staged stage(MicroBatch batch) throws IOException;

  /** The columns of the batch's files, typed for this warehouse (read from the Parquet footers). */
  List<Column> fileColumns(Staged staged) throws SQLException;

  /**
   * Statements that put exactly the batch's rows into RAW, tagged with file key and batch id; none
   * where {@link #batchRows} reads the staged files themselves.
   */
  List<String> copyStatements(Staged staged, List<Column> fileColumns);

  /**
   * The relation the row checks, quarantine and MERGE read the batch's rows from: RAW's rows of the
   * batch, or the staged files (then with every column of RAW, NULL where the files lack one, and
   * the {@code _file_key} and {@code _batch_id} tags). Called after RAW has the files' columns.
   */
  String batchRows(Staged staged, List<Column> fileColumns) throws SQLException;

  /**
   * A column of {@link #batchRows} unique to each row, if the warehouse has one: the MERGE source
   * then picks each activity's newest row over the keys alone and reads the winners whole (see
   * {@link io.lmsingest.loader.batch.MergeStatement#sourceByRowKey}).
   */
  default Optional<String> rowKey() {
    return Optional.empty();
  }

  String addColumn(String table, Column column);

  /** A SQL literal of a UTC timestamp. */
  String timestampLiteral(Instant instant);

  /** {@code expr} (the attributes map) as NULL where it is empty: what a minimal delete carries. */
  String emptyMapAsNull(String expr);

  /** The last non-NULL value of {@code expr} in the window {@code over} (IGNORE NULLS). */
  String lastNonNull(String expr, String over);

  /**
   * Checks the result set a copy statement returned (Snowflake: one row per file with its status
   * and rows loaded) against the batch; throws if a file did not load whole. No-op where the copy
   * returns no result.
   */
  default void checkCopyResult(ResultSet result, Staged staged) throws SQLException {}

  /**
   * Whether DDL may run inside the batch transaction. Snowflake commits an open transaction on any
   * DDL, so there the loader refuses to send one inside it.
   */
  boolean transactionalDdl();

  /**
   * Whether the failure is another session holding the load lock (the batch is retried after a
   * short wait, not counted as a failure).
   */
  boolean isContention(SQLException failure);

  /**
   * Called after a batch of {@code rowsCopied} rows committed, outside any transaction: the
   * warehouse's own housekeeping. Returns how long a checkpoint took if it ran one; a failed
   * checkpoint is logged and tried again after the next batch (the batch stays committed).
   */
  default Optional<Duration> afterCommit(long rowsCopied) {
    return Optional.empty();
  }

  /**
   * Whether the failure is the warehouse running out of memory for the batch: a smaller batch may
   * fit where the same one fails every time.
   */
  default boolean isOutOfMemory(Throwable failure) {
    return false;
  }

  /**
   * Called after a batch transaction was rolled back because of {@code failure}, before anything
   * else runs on {@link #connection()}: a dialect may start a fresh session where the old one can
   * no longer be trusted. The caller takes {@link #connection()} again afterwards.
   */
  default void rolledBack(Exception failure) throws SQLException, IOException {}

  /** Removes what {@link #stage} left behind. */
  void release(Staged staged) throws IOException;

  /** What {@link #stage} produced: the batch, plus where each file is readable. */
  record Staged(MicroBatch batch, List<String> locations) {}
}
