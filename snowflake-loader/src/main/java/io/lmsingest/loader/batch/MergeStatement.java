package io.lmsingest.loader.batch;

import java.util.List;
import java.util.Set;
import java.util.function.BinaryOperator;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * The loader's shared SQL, the same text for every warehouse: which rows are quarantined and why,
 * the de-duplicated source (one row per activity_id: the highest version by updated_at, then Kafka
 * partition and offset, so ties are impossible and Snowflake's ERROR_ON_NONDETERMINISTIC_MERGE
 * never trips), and the MERGE that updates a row only with a strictly newer version.
 */
public final class MergeStatement {
  /**
   * Warehouse-side rules (the validator's, checked again where the data lands); NULL = the row is
   * fine.
   */
  public static final String REJECT_REASON =
      "CASE"
          + " WHEN activity_id IS NULL OR activity_id = '' THEN 'empty_activity_id'"
          + " WHEN updated_at IS NULL THEN 'missing_updated_at'"
          // A delete needs only what identifies and orders it.
          + " WHEN is_deleted THEN NULL"
          + " WHEN activity_timestamp IS NULL THEN 'missing_activity_timestamp'"
          + " WHEN updated_at < activity_timestamp THEN 'updated_before_activity'"
          + " WHEN score < 0 OR score > 100 THEN 'score_out_of_range'"
          + " END";

  private static final String NEWER =
      "s.updated_at > t.updated_at"
          + " OR (s.updated_at = t.updated_at AND (s._kafka_partition > t._kafka_partition"
          + " OR (s._kafka_partition = t._kafka_partition AND s._kafka_offset > t._kafka_offset)))";

  private static final String VERSION_ORDER = "updated_at, _kafka_partition, _kafka_offset";

  /** Keeps each activity's newest version of the batch. */
  private static final String NEWEST_PER_ACTIVITY =
      " QUALIFY ROW_NUMBER() OVER (PARTITION BY activity_id ORDER BY updated_at DESC,"
          + " _kafka_partition DESC, _kafka_offset DESC) = 1";

  /** Columns a delete never fills from an earlier version: identity, order, lineage. */
  private static final Set<String> OWN =
      Set.of(
          "activity_id",
          "updated_at",
          "is_deleted",
          "_kafka_partition",
          "_kafka_offset",
          "_kafka_timestamp");

  /**
   * What a delete that does not carry a column holds in it, per column, as an expression that is
   * NULL there: the poller's placeholders for a field the API left out ('' for the ids, type and
   * text, the epoch for activity_timestamp, an empty map for attributes), else NULL itself.
   */
  public record Unknowns(String earliestPlausible, UnaryOperator<String> emptyMapAsNull) {
    String known(String column, String expr) {
      return switch (column) {
        case "learner_id", "course_id", "activity_type", "status", "session_id" ->
            "NULLIF(" + expr + ", '')";
        case "activity_timestamp" ->
            "CASE WHEN " + expr + " < " + earliestPlausible + " THEN NULL ELSE " + expr + " END";
        case "attributes" -> emptyMapAsNull.apply(expr);
        default -> expr;
      };
    }

    /** True for a batch row that is a delete lacking columns (cheap: a count over the batch). */
    String minimalDeletes(String batchRows) {
      return "SELECT COUNT(*) FROM "
          + batchRows
          + " WHERE is_deleted AND (learner_id = '' OR course_id = '' OR activity_type = ''"
          + " OR activity_timestamp < "
          + earliestPlausible
          + ")";
    }
  }

  private MergeStatement() {}

  public static String quarantine(String batchRows, String batchId, String now) {
    return "INSERT INTO load_quarantine (batch_id, file_key, kafka_partition, kafka_offset, activity_id, reason, quarantined_at)"
        + " SELECT '"
        + batchId
        + "', _file_key, _kafka_partition, _kafka_offset, activity_id, reason, "
        + now
        + " FROM (SELECT _file_key, _kafka_partition, _kafka_offset, activity_id, "
        + REJECT_REASON
        + " AS reason FROM "
        + batchRows
        + ") q"
        + " WHERE reason IS NOT NULL";
  }

  /**
   * As {@link #source}, for a batch holding deletes that lack columns (minimal payloads): such a
   * delete takes each missing column from the newest earlier version of the activity in the batch
   * (the MERGE then falls back to the warehouse's row). Only used when the batch has such deletes,
   * so the usual batch pays for no window beyond the de-duplication.
   */
  public static String sourceFillingDeletes(
      String batchRows,
      List<String> dataColumns,
      Unknowns unknowns,
      BinaryOperator<String> lastNonNull) {
    String over =
        "PARTITION BY activity_id ORDER BY "
            + VERSION_ORDER
            + " ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW";
    String filled =
        dataColumns.stream()
            .map(
                c ->
                    OWN.contains(c)
                        ? c
                        : "CASE WHEN is_deleted THEN "
                            + lastNonNull.apply(unknowns.known(c, c), over)
                            + " ELSE "
                            + c
                            + " END AS "
                            + c)
            .collect(Collectors.joining(", "));
    return "SELECT "
        + String.join(", ", dataColumns)
        + " FROM (SELECT "
        + filled
        + " FROM "
        + batchRows
        + " WHERE ("
        + REJECT_REASON
        + ") IS NULL) f"
        + NEWEST_PER_ACTIVITY;
  }

  /** One row per activity_id of the batch: its newest valid version. */
  public static String source(String batchRows, List<String> dataColumns) {
    return "SELECT "
        + String.join(", ", dataColumns)
        + " FROM "
        + batchRows
        + " WHERE ("
        + REJECT_REASON
        + ") IS NULL"
        + NEWEST_PER_ACTIVITY;
  }

  /**
   * As {@link #source}, for a warehouse whose batch rows carry a unique {@code rowKey}: the window
   * sorts only the keys, and the winning rows are then read whole. Same rows as {@link #source}.
   */
  public static String sourceByRowKey(String batchRows, List<String> dataColumns, String rowKey) {
    return "SELECT "
        + String.join(", ", dataColumns)
        + " FROM "
        + batchRows
        + " WHERE "
        + rowKey
        + " IN (SELECT "
        + rowKey
        + " FROM "
        + batchRows
        + " WHERE ("
        + REJECT_REASON
        + ") IS NULL"
        + NEWEST_PER_ACTIVITY
        + ")";
  }

  /**
   * Rows in the source; of them, already present; of those, strictly newer; the newest updated_at.
   */
  public static String counts(String source) {
    return "SELECT COUNT(*), COUNT(t.activity_id), COALESCE(SUM(CASE WHEN t.activity_id IS NOT NULL AND ("
        + NEWER
        + ") THEN 1 ELSE 0 END), 0), MAX(s.updated_at) FROM ("
        + source
        + ") s LEFT JOIN analytics_ready t ON t.activity_id = s.activity_id";
  }

  /**
   * How many rows of the target are deletes lacking columns (a minimal delete loaded before any
   * full version of its activity): only while there are, an older version arriving later has gaps
   * to fill.
   */
  public static String lackingDeletes(List<String> dataColumns, Unknowns unknowns) {
    return "SELECT COUNT(*) FROM analytics_ready t WHERE t.is_deleted AND ("
        + lacking(dataColumns, unknowns)
        + ")";
  }

  private static String lacking(List<String> dataColumns, Unknowns unknowns) {
    return dataColumns.stream()
        .filter(c -> !OWN.contains(c))
        .map(c -> unknowns.known(c, "t." + c) + " IS NULL")
        .collect(Collectors.joining(" OR "));
  }

  /**
   * The MERGE of one batch. Its delete-aware parts read every column of the target, which costs a
   * scan of the whole table's width per batch, so each is there only when it can matter:
   *
   * @param batchLacksColumns the batch holds deletes lacking columns: a newer delete keeps the
   *     row's last known value of each column it does not carry
   * @param targetLacksColumns the target may hold such deletes: an older version arriving after one
   *     fills its gaps
   */
  public static String merge(
      String source,
      List<String> dataColumns,
      String batchId,
      String now,
      Unknowns unknowns,
      boolean batchLacksColumns,
      boolean targetLacksColumns) {
    String updates =
        dataColumns.stream()
            .filter(c -> !c.equals("activity_id"))
            .map(
                c ->
                    OWN.contains(c) || !batchLacksColumns
                        ? c + " = s." + c
                        : c
                            + " = CASE WHEN s.is_deleted AND "
                            + unknowns.known(c, "s." + c)
                            + " IS NULL THEN t."
                            + c
                            + " ELSE s."
                            + c
                            + " END")
            .collect(Collectors.joining(", "));
    List<String> fillable = dataColumns.stream().filter(c -> !OWN.contains(c)).toList();
    String fills =
        fillable.stream()
            .map(c -> c + " = COALESCE(" + unknowns.known(c, "t." + c) + ", s." + c + ")")
            .collect(Collectors.joining(", "));
    return "MERGE INTO analytics_ready t USING ("
        + source
        + ") s ON t.activity_id = s.activity_id"
        + " WHEN MATCHED AND ("
        + NEWER
        + ") THEN UPDATE SET "
        + updates
        + ", ingested_at = "
        + now
        + ", batch_id = '"
        + batchId
        + "'"
        // An older version arriving after a delete that lacked columns (batches loaded out of
        // order): it fills what the deleted row does not know, and changes nothing else.
        + (targetLacksColumns || batchLacksColumns
            ? " WHEN MATCHED AND t.is_deleted AND ("
                + lacking(dataColumns, unknowns)
                + ") THEN UPDATE SET "
                + fills
            : "")
        + " WHEN NOT MATCHED THEN INSERT ("
        + String.join(", ", dataColumns)
        + ", ingested_at, batch_id) VALUES ("
        + dataColumns.stream().map(c -> "s." + c).collect(Collectors.joining(", "))
        + ", "
        + now
        + ", '"
        + batchId
        + "')";
  }

  /** The first statement of every batch transaction (see BatchLoader: one loader at a time). */
  public static final String TAKE_LOAD_LOCK =
      "UPDATE load_lock SET holder = ?, acquired_at = ? WHERE name = 'loader'";

  public static final String LEDGER_INSERT =
      "INSERT INTO load_ledger (file_key, batch_id, manifest_id, kafka_topic, kafka_partition,"
          + " start_offset, end_offset, row_count, size_bytes, checksum, status, loaded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'MERGED', ?)";

  public static final String QUARANTINED_FILE_INSERT =
      "INSERT INTO load_quarantined_files (file_key, manifest_id, batch_id, kafka_topic,"
          + " kafka_partition, start_offset, end_offset, row_count, attempts, reason, quarantined_at)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

  public static final String BATCH_INSERT =
      "INSERT INTO load_batches (batch_id, files, rows_copied, rows_inserted, rows_updated,"
          + " rows_unchanged, rows_quarantined, max_updated_at, started_at, committed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
}
