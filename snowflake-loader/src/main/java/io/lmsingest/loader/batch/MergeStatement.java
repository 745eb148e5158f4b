package io.lmsingest.loader.batch;

import java.util.List;
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
          + " WHEN activity_timestamp IS NULL THEN 'missing_activity_timestamp'"
          + " WHEN updated_at < activity_timestamp THEN 'updated_before_activity'"
          + " WHEN score < 0 OR score > 100 THEN 'score_out_of_range'"
          + " END";

  private static final String NEWER =
      "s.updated_at > t.updated_at"
          + " OR (s.updated_at = t.updated_at AND (s._kafka_partition > t._kafka_partition"
          + " OR (s._kafka_partition = t._kafka_partition AND s._kafka_offset > t._kafka_offset)))";

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

  /** One row per activity_id of the batch: its newest valid version. */
  public static String source(String batchRows, List<String> dataColumns) {
    return "SELECT "
        + String.join(", ", dataColumns)
        + " FROM "
        + batchRows
        + " WHERE ("
        + REJECT_REASON
        + ") IS NULL"
        + " QUALIFY ROW_NUMBER() OVER (PARTITION BY activity_id ORDER BY updated_at DESC, _kafka_partition DESC, _kafka_offset DESC) = 1";
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

  public static String merge(String source, List<String> dataColumns, String batchId, String now) {
    String updates =
        dataColumns.stream()
            .filter(c -> !c.equals("activity_id"))
            .map(c -> c + " = s." + c)
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
