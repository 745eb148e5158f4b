package io.lmsingest.loader.warehouse;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ground-truth comparison counts the same in one pass as in hash slices. */
class GroundTruthCheckTest {
  @TempDir Path dir;

  @Test
  void slicesAddUpToTheWholeComparison() throws Exception {
    Path truth = dir.resolve("truth.parquet");
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + dir.resolve("w.duckdb"));
        Statement st = c.createStatement()) {
      String row =
          "SELECT 'a' || i AS activity_id, 'l' || (i % 7) AS learner_id, 'c1' AS course_id,"
              + " 'quiz' AS activity_type, TIMESTAMP '2026-11-01 00:00:00' + INTERVAL (i) SECOND AS"
              + " activity_timestamp, TIMESTAMP '2026-11-02 00:00:00' + INTERVAL (i) SECOND AS"
              + " updated_at, 'done' AS status, (i % 100)::DOUBLE AS score, i::INTEGER AS"
              + " duration_seconds, 's' || i AS session_id, MAP {'k': 'v' || i, 'z': 'y'} AS"
              + " attributes, i % 50 = 0 AS is_deleted FROM range(1, 10001) t(i)";
      st.execute("CREATE TABLE analytics_ready AS " + row);
      st.execute("COPY (" + row + ") TO '" + truth + "' (FORMAT parquet)");
      // 2 only in the table, 3 only in the truth, 4 different, and one whose map entries are only
      // in another order (not a difference).
      st.execute(
          "INSERT INTO analytics_ready SELECT * REPLACE ('x' || activity_id AS activity_id)"
              + " FROM analytics_ready WHERE activity_id IN ('a1', 'a2')");
      st.execute("DELETE FROM analytics_ready WHERE activity_id IN ('a10', 'a20', 'a30')");
      st.execute("UPDATE analytics_ready SET score = -1 WHERE activity_id = 'a40'");
      st.execute("UPDATE analytics_ready SET status = NULL WHERE activity_id = 'a41'");
      st.execute(
          "UPDATE analytics_ready SET updated_at = updated_at + INTERVAL 1 MILLISECOND"
              + " WHERE activity_id = 'a42'");
      st.execute(
          "UPDATE analytics_ready SET attributes = MAP {'k': 'w'} WHERE activity_id = 'a43'");
      st.execute(
          "UPDATE analytics_ready SET attributes = MAP {'z': 'y', 'k': 'v44'}"
              + " WHERE activity_id = 'a44'");

      GroundTruthCheck.Result whole = GroundTruthCheck.compare(c, truth, 1);
      assertThat(whole)
          .isEqualTo(new GroundTruthCheck.Result(2, 3, 4, 10_000))
          .isEqualTo(GroundTruthCheck.compare(c, truth, 3))
          .isEqualTo(GroundTruthCheck.compare(c, truth, 7))
          .isEqualTo(GroundTruthCheck.compare(c, truth));
      assertThat(whole.exact()).isFalse();
    }
  }
}
