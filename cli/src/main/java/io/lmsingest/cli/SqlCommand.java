package io.lmsingest.cli;

import io.lmsingest.stack.PipelineProbe;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ./lms-ingest sql "SELECT …"} against the embedded warehouse. */
@Command(
    name = "sql",
    mixinStandardHelpOptions = true,
    description = {
      "Run one SQL statement against the embedded DuckDB warehouse (DIR/warehouse.duckdb) and print the rows as",
      "tab-separated text. DuckDB lets one process write a file at a time: while the loader runs, query a copy."
    })
final class SqlCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;
  @Mixin DataDirOption data;

  @Option(
      names = "--database",
      paramLabel = "FILE",
      description = "Another DuckDB file instead of DIR/warehouse.duckdb.")
  Path database;

  @Parameters(paramLabel = "SQL", description = "The statement.")
  String sql;

  @Override
  public Integer call() throws Exception {
    Path file = database != null ? database : data.layout().warehouse();
    if (!Files.exists(file)) {
      spec.commandLine()
          .getErr()
          .println(
              "no warehouse at "
                  + file
                  + " (run the loader or the demo first, or pass --database)");
      return 1;
    }
    PrintWriter out = spec.commandLine().getOut();
    try (Connection c = PipelineProbe.warehouse(file, false);
        Statement st = c.createStatement()) {
      if (!st.execute(sql)) {
        out.println(st.getUpdateCount() + " row(s) changed");
        return 0;
      }
      try (ResultSet rs = st.getResultSet()) {
        ResultSetMetaData meta = rs.getMetaData();
        StringBuilder header = new StringBuilder();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
          header.append(i > 1 ? "\t" : "").append(meta.getColumnName(i));
        }
        out.println(header);
        while (rs.next()) {
          StringBuilder row = new StringBuilder();
          for (int i = 1; i <= meta.getColumnCount(); i++) {
            row.append(i > 1 ? "\t" : "").append(rs.getString(i));
          }
          out.println(row);
        }
      }
    }
    return 0;
  }
}
