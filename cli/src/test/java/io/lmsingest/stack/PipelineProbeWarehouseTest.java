package io.lmsingest.stack;

import static org.assertj.core.api.Assertions.assertThat;

import io.lmsingest.localstack.StackLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineProbeWarehouseTest {
  @Test
  void theLaunchersOwnWarehouseQueriesRunUnderABoundedDuckDb(@TempDir Path root) throws Exception {
    StackLayout layout = new StackLayout(root);
    Files.createDirectories(layout.warehouse().getParent());
    try (Connection c = PipelineProbe.warehouse(layout);
        Statement st = c.createStatement()) {
      // DuckDB reports the limit in MiB: 256 MB is 244.1 MiB. Its default is 80 % of RAM.
      try (ResultSet rs = st.executeQuery("SELECT current_setting('memory_limit')")) {
        rs.next();
        assertThat(rs.getString(1)).isEqualTo("244.1 MiB");
      }
      // A join larger than the limit spills instead of failing or growing the launcher.
      try (ResultSet rs =
          st.executeQuery(
              "SELECT COUNT(*) FROM range(6000000) a(i) FULL OUTER JOIN"
                  + " (SELECT i, repeat('x', 40) || i AS s FROM range(1000, 6001000) t(i)) b"
                  + " ON a.i = b.i")) {
        rs.next();
        assertThat(rs.getLong(1)).isEqualTo(6_001_000L);
      }
    }
    assertThat(layout.warehouse()).exists();
    // status reads the same way, read-only.
    try (Connection c = PipelineProbe.warehouse(layout.warehouse(), true);
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT current_setting('memory_limit'), current_setting('access_mode')")) {
      rs.next();
      assertThat(rs.getString(1)).isEqualTo("244.1 MiB");
      assertThat(rs.getString(2)).isEqualTo("read_only");
    }
  }
}
