package io.lmsingest.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.sql.DriverManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

class ServiceCommandsTest {
  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "poller, lms.api.url",
    "validator, validation.max.future.skew.ms",
    "sink, rotation.max.age.ms",
    "loader, snowflake.private.key"
  })
  void everyServiceDescribesItsConfigAndRequiresAFile(String service, String aKey) {
    StringWriter out = new StringWriter();
    CommandLine cli = LmsIngest.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(out, true));
    assertThat(cli.execute(service, "--describe-config")).isZero();
    assertThat(out.toString()).contains(aKey);

    StringWriter err = new StringWriter();
    CommandLine again = LmsIngest.commandLine();
    again.setErr(new PrintWriter(err, true));
    assertThat(again.execute(service)).isEqualTo(2);
    assertThat(err.toString()).contains("--config FILE is required");

    StringWriter missing = new StringWriter();
    CommandLine third = LmsIngest.commandLine();
    third.setErr(new PrintWriter(missing, true));
    assertThat(third.execute(service, "--config", "/no/such/file.properties")).isEqualTo(1);
    assertThat(missing.toString()).contains("/no/such/file.properties is not readable");
  }

  @Test
  void sqlPrintsRowsOfTheEmbeddedWarehouseAndNamesAMissingOne(@TempDir Path dir) throws Exception {
    Path db = dir.resolve("w.duckdb");
    try (var c = DriverManager.getConnection("jdbc:duckdb:" + db);
        var st = c.createStatement()) {
      st.execute("CREATE TABLE analytics_ready AS SELECT 'a1' AS activity_id, 42 AS score");
    }
    StringWriter out = new StringWriter();
    CommandLine cli = LmsIngest.commandLine();
    cli.setOut(new PrintWriter(out, true));
    assertThat(
            cli.execute(
                "sql",
                "--database",
                db.toString(),
                "SELECT activity_id, score FROM analytics_ready"))
        .isZero();
    assertThat(out.toString()).isEqualTo("activity_id\tscore\na1\t42\n");

    StringWriter err = new StringWriter();
    CommandLine missing = LmsIngest.commandLine();
    missing.setErr(new PrintWriter(err, true));
    assertThat(missing.execute("sql", "--data-dir", dir.resolve("nothing").toString(), "SELECT 1"))
        .isEqualTo(1);
    assertThat(err.toString()).contains("no warehouse at");
  }

  @Test
  void statusNamesADirectoryWithoutAStack(@TempDir Path dir) {
    StringWriter err = new StringWriter();
    CommandLine cli = LmsIngest.commandLine();
    cli.setErr(new PrintWriter(err, true));
    assertThat(cli.execute("status", "--data-dir", dir.toString())).isEqualTo(1);
    assertThat(err.toString()).contains("no local stack in " + dir);
  }
}
