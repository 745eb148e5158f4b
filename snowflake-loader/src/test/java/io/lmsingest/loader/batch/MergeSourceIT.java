package io.lmsingest.loader.batch;

import static org.assertj.core.api.Assertions.assertThat;

import io.lmsingest.loader.warehouse.Migrations;
import io.lmsingest.testkit.IntegrationTest;
import io.lmsingest.testkit.WarehouseFixture;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The MERGE source by row key picks exactly the rows the plain source picks. */
@IntegrationTest
class MergeSourceIT {
  /** What the sources project; their rules read the other columns from the batch rows. */
  private static final List<String> COLUMNS = List.of("activity_id", "learner_id");

  private static final String BATCH_ROWS =
      "(SELECT rowid AS _row, * FROM raw_learner_activity WHERE _batch_id = 'b1') b";

  @Test
  void theNewestValidVersionOfEachActivityWinsTiesIncluded(WarehouseFixture warehouse)
      throws Exception {
    try (Connection c = warehouse.connect(warehouse.newDatabase());
        Statement st = c.createStatement()) {
      Migrations.apply(c, "duckdb");
      st.execute(
          "INSERT INTO raw_learner_activity (activity_id, learner_id, activity_timestamp,"
              + " updated_at, score, is_deleted, _kafka_partition, _kafka_offset, _batch_id) VALUES"
              // a1: two versions share the newest updated_at; the higher partition wins.
              + " ('a1', 'old', '2026-01-01', '2026-01-02', 1, false, 0, 5, 'b1'),"
              + " ('a1', 'p1', '2026-01-01', '2026-01-03', 1, false, 1, 7, 'b1'),"
              + " ('a1', 'p2', '2026-01-01', '2026-01-03', 1, false, 2, 3, 'b1'),"
              // a2: same updated_at and partition; the higher offset wins.
              + " ('a2', 'o8', '2026-01-01', '2026-01-03', 1, false, 4, 8, 'b1'),"
              + " ('a2', 'o9', '2026-01-01', '2026-01-03', 1, false, 4, 9, 'b1'),"
              // a3: its newest version is invalid (score 150): the one before it wins.
              + " ('a3', 'ok', '2026-01-01', '2026-01-02', 1, false, 0, 1, 'b1'),"
              + " ('a3', 'bad', '2026-01-01', '2026-01-04', 150, false, 0, 2, 'b1'),"
              // a4: only invalid versions; a5: another batch's row.
              + " ('a4', 'bad', '2026-01-05', '2026-01-04', 1, false, 0, 3, 'b1'),"
              + " ('a5', 'other', '2026-01-01', '2026-01-09', 1, false, 0, 4, 'b2')");

      List<String> plain = rows(st, MergeStatement.source(BATCH_ROWS, COLUMNS));
      List<String> byRowKey = rows(st, MergeStatement.sourceByRowKey(BATCH_ROWS, COLUMNS, "_row"));

      assertThat(byRowKey).containsExactlyInAnyOrder("a1=p2", "a2=o9", "a3=ok");
      assertThat(byRowKey).containsExactlyInAnyOrderElementsOf(plain);
    }
  }

  private static List<String> rows(Statement st, String source) throws Exception {
    List<String> rows = new ArrayList<>();
    try (ResultSet rs = st.executeQuery("SELECT activity_id, learner_id FROM (" + source + ")")) {
      while (rs.next()) {
        rows.add(rs.getString(1) + "=" + rs.getString(2));
      }
    }
    return rows;
  }
}
