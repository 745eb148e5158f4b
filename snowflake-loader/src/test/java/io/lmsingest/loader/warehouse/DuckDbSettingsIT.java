package io.lmsingest.loader.warehouse;

import static org.assertj.core.api.Assertions.assertThat;

import io.lmsingest.testkit.IntegrationTest;
import io.lmsingest.testkit.S3Fixture;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The loader's DuckDB session runs under the configured bounds, not DuckDB's 80 % of RAM. */
@IntegrationTest
class DuckDbSettingsIT {
  @TempDir Path dir;

  @Test
  void theWarehouseSessionRunsUnderTheConfiguredLimits(S3Fixture s3) throws Exception {
    Path spill = dir.resolve("spill");
    try (DuckDbWarehouse warehouse =
        new DuckDbWarehouse(
            dir.resolve("w.duckdb"),
            new DuckDbSettings("192MB", 1, "64MB", 1_000_000, List.of("fsst"), spill, false),
            s3.client(),
            s3.newBucket(),
            dir.resolve("staging"))) {
      assertThat(setting(warehouse, "threads")).isEqualTo("1");
      // DuckDB reports sizes in its own units (192MB = 183.1 MiB).
      assertThat(setting(warehouse, "memory_limit")).isEqualTo("183.1 MiB");
      assertThat(setting(warehouse, "checkpoint_threshold")).isEqualTo("61.0 MiB");
      assertThat(setting(warehouse, "temp_directory")).isEqualTo(spill.toString());
      assertThat(setting(warehouse, "disabled_compression_methods"))
          .isEqualTo("FSST"); // DuckDB's own names
    }
  }

  private static String setting(DuckDbWarehouse warehouse, String name) throws SQLException {
    try (Statement st = warehouse.connection().createStatement();
        ResultSet rs = st.executeQuery("SELECT current_setting('" + name + "')")) {
      rs.next();
      return rs.getString(1);
    }
  }
}
