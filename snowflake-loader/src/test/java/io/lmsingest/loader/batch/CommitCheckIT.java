package io.lmsingest.loader.batch;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lmsingest.loader.manifest.MicroBatch;
import io.lmsingest.loader.warehouse.Migrations;
import io.lmsingest.schemas.BronzeFile;
import io.lmsingest.testkit.IntegrationTest;
import io.lmsingest.testkit.WarehouseFixture;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.List;
import org.junit.jupiter.api.Test;

@IntegrationTest
class CommitCheckIT {
  @Test
  void duckDbsSilentRollbackOfACommitAfterAFailedStatementIsCaught(WarehouseFixture warehouse)
      throws Exception {
    try (Connection c = warehouse.connect(warehouse.newDatabase())) {
      Migrations.apply(c, "duckdb");
      MicroBatch batch =
          MicroBatch.of(
              "t",
              List.of(
                  new MicroBatch.FileRef(
                      "m",
                      BronzeFile.newBuilder()
                          .setKey("bronze/a.parquet")
                          .setSizeBytes(1)
                          .setChecksum("x")
                          .setRowCount(10)
                          .setPartition(0)
                          .setStartOffset(0)
                          .setEndOffset(9)
                          .setSchemaFingerprint("01")
                          .setMinUpdatedAt(null)
                          .setMaxUpdatedAt(null)
                          .build())));
      Timestamp at = Timestamp.valueOf("2026-11-24 10:00:00");
      c.setAutoCommit(false);
      try (Statement st = c.createStatement()) {
        st.executeUpdate(
            "INSERT INTO load_ledger VALUES ('bronze/a.parquet', '"
                + batch.id()
                + "', 'm', 't', 0, 0, 9, 10, 1, 'x', 'MERGED',"
                + " TIMESTAMP '2026-11-24 10:00:00')");
        try {
          st.execute(
              "SELECT CAST('not a number' AS INTEGER)"); // fails while executing, which aborts the
          // transaction
        } catch (SQLException expected) {
          // a caller that swallows this and commits gets no error from DuckDB, and nothing is
          // stored
        }
      }
      c.commit();
      c.setAutoCommit(true);
      assertThatThrownBy(() -> BatchLoader.confirmCommitted(c, batch, at))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("the transaction was rolled back");
    }
  }
}
