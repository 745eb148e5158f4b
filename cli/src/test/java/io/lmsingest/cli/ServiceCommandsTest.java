package io.lmsingest.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.sql.DriverManager;
import java.util.Base64;
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
    // Under the launcher's bound, not DuckDB's 80 % of RAM (256 MB is 244.1 MiB).
    StringWriter limit = new StringWriter();
    CommandLine bounded = LmsIngest.commandLine();
    bounded.setOut(new PrintWriter(limit, true));
    assertThat(
            bounded.execute(
                "sql", "--database", db.toString(), "SELECT current_setting('memory_limit') AS m"))
        .isZero();
    assertThat(limit.toString()).isEqualTo("m\n244.1 MiB\n");

    StringWriter err = new StringWriter();
    CommandLine missing = LmsIngest.commandLine();
    missing.setErr(new PrintWriter(err, true));
    assertThat(missing.execute("sql", "--data-dir", dir.resolve("nothing").toString(), "SELECT 1"))
        .isEqualTo(1);
    assertThat(err.toString()).contains("no warehouse at");
  }

  @Test
  void loaderCheckIsForSnowflakeConfigs(@TempDir Path dir) throws Exception {
    Path config = dir.resolve("loader.properties");
    Files.writeString(config, "warehouse.dialect=duckdb\ns3.bucket=b\n");
    StringWriter out = new StringWriter();
    CommandLine cli = LmsIngest.commandLine();
    cli.setOut(new PrintWriter(out, true));
    assertThat(cli.execute("loader", "check", "--config", config.toString())).isEqualTo(2);
    assertThat(out.toString()).contains("the check is for a Snowflake account");
  }

  /**
   * The whole command path with the real driver: an account that cannot be reached fails the first
   * check, prints what to fix (with the key's public fingerprint), skips the rest, exits 1.
   */
  @Test
  void loaderCheckAgainstAnUnreachableAccountPrintsTheFixAndExitsOne(@TempDir Path dir)
      throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    KeyPair pair = generator.generateKeyPair();
    Path key = dir.resolve("rsa_key.p8");
    Files.writeString(
        key,
        "-----BEGIN PRIVATE KEY-----\n"
            + Base64.getMimeEncoder().encodeToString(pair.getPrivate().getEncoded())
            + "\n-----END PRIVATE KEY-----\n");
    Path id = Files.writeString(dir.resolve("id"), "test");
    Path config = dir.resolve("loader.properties");
    Files.writeString(
        config,
        String.join(
            "\n",
            "warehouse.dialect=snowflake",
            // Nothing listens on port 9 here; the driver gives up within its login timeout.
            "snowflake.url=jdbc:snowflake://127.0.0.1:9/?ssl=off&loginTimeout=5&networkTimeout=5",
            "snowflake.user=LMS_LOADER_SVC",
            "snowflake.private.key=file:" + key,
            "s3.bucket=bronze-bucket",
            "s3.endpoint=http://127.0.0.1:9",
            "s3.access.key.id=file:" + id,
            "s3.secret.access.key=file:" + id,
            ""));
    StringWriter out = new StringWriter();
    CommandLine cli = LmsIngest.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(out, true));
    assertThat(cli.execute("loader", "check", "--config", config.toString())).isEqualTo(1);
    String fingerprint =
        "SHA256:"
            + Base64.getEncoder()
                .encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(pair.getPublic().getEncoded()));
    assertThat(out.toString())
        .contains("cannot list Bronze in s3://bronze-bucket")
        .contains("FAIL     connect (key pair)")
        .contains("fix: DESC USER LMS_LOADER_SVC;  -- RSA_PUBLIC_KEY_FP must be " + fingerprint)
        .contains("SKIPPED  COPY dry run")
        .contains("1 check(s) failed")
        .doesNotContain(
            Base64.getMimeEncoder()
                .encodeToString(pair.getPrivate().getEncoded())
                .substring(0, 40));
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
