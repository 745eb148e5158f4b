package io.lmsingest.loader.warehouse;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Compares ANALYTICS_READY in a DuckDB warehouse with a ground-truth Parquet file (the latest
 * version of every activity, as the LMS simulator writes it), on every LearnerActivity column.
 */
public final class GroundTruthCheck {
  /** Rows only in the table, rows only in the truth, rows in both that differ. */
  public record Result(long onlyInTable, long onlyInTruth, long different, long truthRows) {
    public boolean exact() {
      return onlyInTable == 0 && onlyInTruth == 0 && different == 0;
    }
  }

  private static final String[] COLUMNS = {
    "learner_id",
    "course_id",
    "activity_type",
    "activity_timestamp",
    "updated_at",
    "status",
    "score",
    "duration_seconds",
    "session_id",
    "attributes",
    "is_deleted"
  };

  private GroundTruthCheck() {}

  /**
   * Activities compared per pass. A full outer join of a 16M-row table with its truth needed more
   * than the launcher's 256 MB DuckDB limit (it fails instead of spilling); a pass compares the
   * activities of one hash slice.
   */
  static final long ROWS_PER_PASS = 4_000_000;

  public static Result compare(Connection connection, Path groundTruth) throws SQLException {
    long rows;
    try (Statement st = connection.createStatement();
        ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM analytics_ready")) {
      rs.next();
      rows = rs.getLong(1);
    }
    return compare(connection, groundTruth, (int) Math.max(1, (rows - 1) / ROWS_PER_PASS + 1));
  }

  /** The comparison in {@code passes} slices of activity ids by hash, added up. */
  static Result compare(Connection connection, Path groundTruth, int passes) throws SQLException {
    long onlyInTable = 0;
    long onlyInTruth = 0;
    long different = 0;
    long truthRows = 0;
    for (int pass = 0; pass < passes; pass++) {
      Result slice = compareSlice(connection, groundTruth, passes, pass);
      onlyInTable += slice.onlyInTable();
      onlyInTruth += slice.onlyInTruth();
      different += slice.different();
      truthRows += slice.truthRows();
    }
    return new Result(onlyInTable, onlyInTruth, different, truthRows);
  }

  private static Result compareSlice(Connection connection, Path groundTruth, int passes, int pass)
      throws SQLException {
    String slice = passes == 1 ? "" : " WHERE hash(activity_id) % " + passes + " = " + pass;
    StringBuilder differs = new StringBuilder("false");
    for (String c : COLUMNS) {
      if (c.equals("attributes")) {
        // A map's entry order is not data (writers differ in it): compare the sorted entries.
        differs.append(
            " OR list_sort(map_entries(a.attributes)) IS DISTINCT FROM list_sort(map_entries(g.attributes))");
      } else {
        differs.append(" OR a.").append(c).append(" IS DISTINCT FROM g.").append(c);
      }
    }
    String truth =
        "(SELECT activity_id, learner_id, course_id, activity_type, CAST(activity_timestamp AS TIMESTAMP) AS activity_timestamp,"
            + " CAST(updated_at AS TIMESTAMP) AS updated_at, status, score, duration_seconds, session_id, attributes, is_deleted"
            + " FROM read_parquet('"
            + groundTruth.toAbsolutePath().toString().replace("'", "''")
            + "')"
            + slice
            + ")";
    String sql =
        "SELECT COUNT(*) FILTER (WHERE g.activity_id IS NULL), COUNT(*) FILTER (WHERE a.activity_id IS NULL),"
            + " COUNT(*) FILTER (WHERE a.activity_id IS NOT NULL AND g.activity_id IS NOT NULL AND ("
            + differs
            + ")),"
            + " COUNT(g.activity_id)"
            + " FROM (SELECT * FROM analytics_ready"
            + slice
            + ") a FULL OUTER JOIN "
            + truth
            + " g ON a.activity_id = g.activity_id";
    try (Statement st = connection.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return new Result(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4));
    }
  }
}
