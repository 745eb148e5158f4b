package io.lmsingest.loader.check;

import static org.assertj.core.api.Assertions.assertThat;

import io.lmsingest.loader.warehouse.RecordingConnection;
import io.lmsingest.loader.warehouse.RecordingConnection.Rows;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * {@code loader check} against a recording connection: the exact read-only statements it sends, and
 * what it reports and prints as the fix when the account answers badly.
 */
class SnowflakeCheckTest {
  static final String KEY =
      "bronze/learner_activity/dt=2026-11-24/lms.learner-activity.v1+0+00000000000000000000.parquet";
  static final String STAGE = "lms.bronze.lms_bronze_stage";
  static final SnowflakeCheck.Target TARGET =
      new SnowflakeCheck.Target(
          "LMS_LOADER_SVC", "LMS_LOADER", "LMS_LOAD_WH", "LMS", "BRONZE", STAGE, "bronze-bucket");

  static final List<String> GRANT_COLUMNS =
      List.of("created_on", "privilege", "granted_on", "name", "granted_to", "grantee_name");

  /** Bronze's columns as INFER_SCHEMA types them with USE_LOGICAL_TYPE = TRUE. */
  static final Object[][] INFERRED = {
    {"ACTIVITY_ID", "TEXT"},
    {"LEARNER_ID", "TEXT"},
    {"COURSE_ID", "TEXT"},
    {"ACTIVITY_TYPE", "TEXT"},
    {"ACTIVITY_TIMESTAMP", "TIMESTAMP_LTZ"},
    {"UPDATED_AT", "TIMESTAMP_LTZ"},
    {"STATUS", "TEXT"},
    {"SCORE", "REAL"},
    {"DURATION_SECONDS", "NUMBER(38, 0)"},
    {"SESSION_ID", "TEXT"},
    {"ATTRIBUTES", "OBJECT"},
    {"IS_DELETED", "BOOLEAN"},
    {"_KAFKA_PARTITION", "NUMBER(38, 0)"},
    {"_KAFKA_OFFSET", "NUMBER(38, 0)"},
    {"_KAFKA_TIMESTAMP", "TIMESTAMP_LTZ"}
  };

  /** The tables' columns as information_schema prints them for db/snowflake/V1__tables.sql. */
  static final Object[][] TABLE_COLUMNS = {
    {"ACTIVITY_ID", "TEXT"},
    {"LEARNER_ID", "TEXT"},
    {"COURSE_ID", "TEXT"},
    {"ACTIVITY_TYPE", "TEXT"},
    {"ACTIVITY_TIMESTAMP", "TIMESTAMP_NTZ"},
    {"UPDATED_AT", "TIMESTAMP_NTZ"},
    {"STATUS", "TEXT"},
    {"SCORE", "FLOAT"},
    {"DURATION_SECONDS", "NUMBER"},
    {"SESSION_ID", "TEXT"},
    {"ATTRIBUTES", "VARIANT"},
    {"IS_DELETED", "BOOLEAN"},
    {"_KAFKA_PARTITION", "NUMBER"},
    {"_KAFKA_OFFSET", "NUMBER"},
    {"_KAFKA_TIMESTAMP", "TIMESTAMP_NTZ"},
    {"_FILE_KEY", "TEXT"},
    {"_BATCH_ID", "TEXT"}
  };

  /** A ready account: what each read-only statement answers. */
  static Rows ready(String sql) {
    if (sql.startsWith("SELECT CURRENT_USER()")) {
      return Rows.of(
          new Object[] {
            "LMS_LOADER_SVC",
            "LMS_LOADER",
            "LMS_LOAD_WH",
            "LMS",
            "BRONZE",
            "[\"LMS_LOADER\",\"PUBLIC\"]"
          });
    }
    if (sql.startsWith("SHOW PARAMETERS LIKE 'TIMEZONE'")) {
      return Rows.named(
          List.of("key", "value", "default", "level"),
          new Object[] {"TIMEZONE", "UTC", "America/Los_Angeles", "SESSION"});
    }
    if (sql.equals("SELECT version FROM schema_history")) {
      return Rows.of(
          new Object[] {"V1__tables.sql"},
          new Object[] {"V2__file_format.sql"},
          new Object[] {"V3__load_lock.sql"},
          new Object[] {"V4__file_format_logical_types.sql"},
          new Object[] {"V5__quarantined_files.sql"});
    }
    if (sql.startsWith("SHOW GRANTS ON SCHEMA")) {
      return grants("USAGE", "ROLE", "LMS_LOADER");
    }
    if (sql.startsWith("SHOW GRANTS ON TABLE")) {
      return grants("OWNERSHIP", "ROLE", "LMS_LOADER");
    }
    if (sql.startsWith("DESC STAGE")) {
      return Rows.named(
          List.of(
              "parent_property", "property", "property_type", "property_value", "property_default"),
          new Object[] {"STAGE_LOCATION", "URL", "String", "[\"s3://bronze-bucket/\"]", ""},
          new Object[] {"STAGE_INTEGRATION", "STORAGE_INTEGRATION", "String", "LMS_BRONZE_S3", ""});
    }
    if (sql.startsWith("DESC FILE FORMAT")) {
      return Rows.named(
          List.of("property", "property_type", "property_value", "property_default"),
          new Object[] {"TYPE", "String", "PARQUET", "CSV"},
          new Object[] {"USE_LOGICAL_TYPE", "Boolean", "true", "false"},
          new Object[] {"BINARY_AS_TEXT", "Boolean", "false", "true"});
    }
    if (sql.startsWith("LIST @")) {
      return Rows.named(
          List.of("name", "size", "md5", "last_modified"),
          new Object[] {"s3://bronze-bucket/" + KEY, 1024L, "ab", "Tue, 24 Nov 2026 10:00:00 GMT"});
    }
    if (sql.startsWith("COPY INTO")) {
      return Rows.named(List.of("ERROR", "FILE", "LINE", "COLUMN_NAME"));
    }
    if (sql.startsWith("SELECT COLUMN_NAME, TYPE FROM TABLE(INFER_SCHEMA")) {
      return Rows.of(INFERRED);
    }
    if (sql.startsWith("SELECT COLUMN_NAME, DATA_TYPE FROM LMS.INFORMATION_SCHEMA.COLUMNS")) {
      return Rows.of(TABLE_COLUMNS);
    }
    if (sql.startsWith("SELECT TYPEOF($1:attributes)")) {
      return Rows.of(new Object[] {"OBJECT"});
    }
    throw new AssertionError("the check sent an unexpected statement: " + sql);
  }

  static Rows grants(String privilege, String grantedTo, String grantee) {
    return Rows.named(
        GRANT_COLUMNS, new Object[] {"2026-11-01", privilege, "SCHEMA", "x", grantedTo, grantee});
  }

  record Outcome(CheckReport report, List<String> statements, String printed) {}

  static Outcome check(Function<String, Rows> answers, Optional<String> bronzeKey) {
    RecordingConnection recording = RecordingConnection.answering(answers);
    CheckReport report =
        new SnowflakeCheck(TARGET, recording::connection, bronzeKey, "SHA256:abc=").run();
    StringWriter out = new StringWriter();
    report.print(new PrintWriter(out, true));
    return new Outcome(report, recording.log, out.toString());
  }

  static CheckResult result(CheckReport report, String name) {
    return report.results().stream()
        .filter(r -> r.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no check named " + name));
  }

  @Test
  void aReadyAccountPassesEveryCheckWithReadOnlyStatementsOnly() {
    Outcome outcome = check(SnowflakeCheckTest::ready, Optional.of(KEY));

    assertThat(outcome.report().results())
        .allSatisfy(
            r -> assertThat(r.status()).as(r.toString()).isEqualTo(CheckResult.Status.PASS));
    assertThat(outcome.report().exitCode()).isZero();
    List<String> expected = new ArrayList<>();
    expected.add(
        "SELECT CURRENT_USER(), CURRENT_ROLE(), CURRENT_WAREHOUSE(), CURRENT_DATABASE(),"
            + " CURRENT_SCHEMA(), CURRENT_AVAILABLE_ROLES()");
    expected.add("SHOW PARAMETERS LIKE 'TIMEZONE' IN SESSION");
    expected.add("SELECT version FROM schema_history");
    expected.add("SHOW GRANTS ON SCHEMA LMS.BRONZE");
    SnowflakeCheck.TABLES.forEach(t -> expected.add("SHOW GRANTS ON TABLE LMS.BRONZE." + t));
    expected.add("DESC STAGE " + STAGE);
    expected.add("DESC FILE FORMAT lms_parquet");
    expected.add("LIST @" + STAGE + "/" + KEY);
    expected.add(
        "COPY INTO raw_learner_activity FROM @"
            + STAGE
            + " FILES = ('"
            + KEY
            + "') FILE_FORMAT = (TYPE = PARQUET USE_LOGICAL_TYPE = TRUE BINARY_AS_TEXT = FALSE)"
            + " MATCH_BY_COLUMN_NAME = CASE_INSENSITIVE VALIDATION_MODE = RETURN_ERRORS");
    expected.add(
        "SELECT COLUMN_NAME, TYPE FROM TABLE(INFER_SCHEMA(LOCATION => '@"
            + STAGE
            + "', FILES => ('"
            + KEY
            + "'), FILE_FORMAT => 'lms_parquet', IGNORE_CASE => TRUE))");
    for (String table : List.of("RAW_LEARNER_ACTIVITY", "ANALYTICS_READY")) {
      expected.add(
          "SELECT COLUMN_NAME, DATA_TYPE FROM LMS.INFORMATION_SCHEMA.COLUMNS WHERE TABLE_SCHEMA ="
              + " 'BRONZE' AND TABLE_NAME = '"
              + table
              + "'");
    }
    expected.add(
        "SELECT TYPEOF($1:attributes) FROM @"
            + STAGE
            + "/"
            + KEY
            + " (FILE_FORMAT => 'lms_parquet') LIMIT 1");
    assertThat(outcome.statements()).containsExactlyElementsOf(expected);
    assertThat(outcome.statements())
        .as("it changes nothing: no DDL, no DML, no COPY that loads")
        .noneMatch(
            s ->
                s.matches("(?s)(CREATE|ALTER|DROP|GRANT|INSERT|UPDATE|DELETE|MERGE|TRUNCATE)\\b.*"))
        .filteredOn(s -> s.startsWith("COPY"))
        .allMatch(s -> s.endsWith("VALIDATION_MODE = RETURN_ERRORS"));
    assertThat(outcome.printed())
        .contains("PASS     session                    user LMS_LOADER_SVC, role LMS_LOADER")
        .contains("the account is ready for the loader (it changed nothing)")
        .doesNotContain("fix:");
  }

  @Test
  void eachProblemFailsItsCheckAndPrintsTheStatementThatFixesIt() {
    Map<String, Rows> broken = new HashMap<>();
    broken.put(
        "SHOW PARAMETERS",
        Rows.named(
            List.of("key", "value", "default", "level"),
            new Object[] {"TIMEZONE", "America/Los_Angeles", "America/Los_Angeles", ""}));
    broken.put("SHOW GRANTS ON SCHEMA", grants("USAGE", "ROLE", "SOMEONE_ELSE"));
    broken.put("SHOW GRANTS ON TABLE", grants("SELECT", "ROLE", "PUBLIC"));
    broken.put(
        "DESC STAGE",
        Rows.named(
            List.of(
                "parent_property",
                "property",
                "property_type",
                "property_value",
                "property_default"),
            new Object[] {
              "STAGE_LOCATION", "URL", "String", "[\"s3://bronze-bucket/bronze/\"]", ""
            },
            new Object[] {"STAGE_CREDENTIALS", "AWS_KEY_ID", "String", "AKIA…", ""}));
    broken.put(
        "DESC FILE FORMAT",
        Rows.named(
            List.of("property", "property_type", "property_value", "property_default"),
            new Object[] {"TYPE", "String", "PARQUET", "CSV"},
            new Object[] {"USE_LOGICAL_TYPE", "Boolean", "false", "false"},
            new Object[] {"BINARY_AS_TEXT", "Boolean", "true", "true"}));
    broken.put("LIST @", Rows.named(List.of("name", "size", "md5", "last_modified")));
    broken.put(
        "COPY INTO",
        Rows.named(
            List.of("ERROR", "FILE", "LINE", "COLUMN_NAME"),
            new Object[] {
              "Timestamp '1764000000000' is not recognized",
              KEY,
              1L,
              "\"RAW_LEARNER_ACTIVITY\"[\"UPDATED_AT\":6]"
            }));
    broken.put(
        "SELECT COLUMN_NAME, DATA_TYPE",
        Rows.of(new Object[] {"SCORE", "TEXT"}, new Object[] {"ACTIVITY_ID", "TEXT"}));
    broken.put("SELECT TYPEOF", Rows.of(new Object[] {"ARRAY"}));
    Outcome outcome =
        check(
            sql ->
                broken.entrySet().stream()
                    .filter(e -> sql.startsWith(e.getKey()))
                    .map(Map.Entry::getValue)
                    .findFirst()
                    .orElseGet(() -> ready(sql)),
            Optional.of(KEY));
    CheckReport report = outcome.report();

    assertThat(report.exitCode()).isEqualTo(1);
    assertThat(result(report, "session").status()).isEqualTo(CheckResult.Status.PASS);
    assertThat(result(report, "time zone").fix())
        .containsExactly("ALTER USER LMS_LOADER_SVC SET TIMEZONE = 'UTC';");
    assertThat(result(report, "schema privileges").fix())
        .containsExactly("GRANT USAGE ON SCHEMA LMS.BRONZE TO ROLE LMS_LOADER;");
    assertThat(result(report, "table privileges").fix())
        .contains(
            "GRANT DELETE, INSERT, UPDATE ON TABLE LMS.BRONZE.load_ledger TO ROLE LMS_LOADER;",
            "GRANT OWNERSHIP ON TABLE LMS.BRONZE.analytics_ready TO ROLE LMS_LOADER COPY CURRENT"
                + " GRANTS;  -- ADD COLUMN (schema evolution) needs ownership");
    assertThat(result(report, "stage").found())
        .contains("no storage integration")
        .contains("is not the Bronze bucket's root s3://bronze-bucket/");
    assertThat(result(report, "stage").fix())
        .containsExactly(
            "CREATE OR REPLACE STAGE "
                + STAGE
                + " URL = 's3://bronze-bucket/' STORAGE_INTEGRATION = <integration>;  -- then GRANT"
                + " USAGE ON STAGE "
                + STAGE
                + " TO ROLE LMS_LOADER;");
    assertThat(result(report, "file format").found())
        .contains("USE_LOGICAL_TYPE = FALSE (wanted TRUE)", "BINARY_AS_TEXT = TRUE (wanted FALSE)");
    assertThat(result(report, "file format").fix())
        .containsExactly(
            "CREATE OR REPLACE FILE FORMAT lms_parquet TYPE = PARQUET USE_LOGICAL_TYPE = TRUE"
                + " BINARY_AS_TEXT = FALSE;");
    assertThat(result(report, "stage reads the bucket").status())
        .isEqualTo(CheckResult.Status.FAIL);
    assertThat(result(report, "COPY dry run").found())
        .contains("1 error(s)", "Timestamp '1764000000000' is not recognized");
    assertThat(result(report, "file columns vs tables").found())
        .contains("raw_learner_activity.score is TEXT, the file has REAL");
    assertThat(result(report, "file columns vs tables").fix())
        .contains(
            "ALTER TABLE raw_learner_activity RENAME COLUMN score TO score_old;  -- the loader adds it"
                + " again as REAL");
    assertThat(result(report, "attributes as OBJECT").status()).isEqualTo(CheckResult.Status.FAIL);
    assertThat(outcome.printed())
        .contains("FAIL     time zone")
        .contains("fix: ALTER USER LMS_LOADER_SVC SET TIMEZONE = 'UTC';")
        .contains("check(s) failed; run the fixes above");
    assertThat(outcome.statements())
        .noneMatch(s -> s.startsWith("GRANT") || s.startsWith("CREATE"));
  }

  @Test
  void aFreshAccountNeedsTheCreatePrivilegesAndSkipsWhatNeedsTablesOrAFile() {
    Outcome outcome =
        check(
            sql -> {
              if (sql.equals("SELECT version FROM schema_history")
                  || sql.startsWith("DESC FILE FORMAT")) {
                throw new IllegalStateException("Object does not exist or not authorized.");
              }
              return ready(sql);
            },
            Optional.empty());
    CheckReport report = outcome.report();
    assertThat(result(report, "migrations").status()).isEqualTo(CheckResult.Status.WARN);
    assertThat(result(report, "schema privileges").fix())
        .containsExactly(
            "GRANT CREATE TABLE, CREATE FILE FORMAT ON SCHEMA LMS.BRONZE TO ROLE LMS_LOADER;");
    assertThat(result(report, "table privileges").status()).isEqualTo(CheckResult.Status.SKIPPED);
    assertThat(result(report, "file format").status()).isEqualTo(CheckResult.Status.WARN);
    assertThat(result(report, "COPY dry run").found()).contains("no Bronze file found");
    assertThat(outcome.statements()).noneMatch(s -> s.startsWith("SHOW GRANTS ON TABLE"));
    assertThat(report.exitCode()).isEqualTo(1);
  }

  @Test
  void aFailedLoginFailsAtOnceWithTheKeysFingerprintToCompare() {
    CheckReport report =
        new SnowflakeCheck(
                TARGET,
                () -> {
                  throw new SQLException("JWT token is invalid.");
                },
                Optional.of(KEY),
                "SHA256:abc=")
            .run();
    assertThat(report.results().get(0).status()).isEqualTo(CheckResult.Status.FAIL);
    assertThat(report.results().get(0).found()).contains("JWT token is invalid.");
    assertThat(report.results().get(0).fix())
        .contains("DESC USER LMS_LOADER_SVC;  -- RSA_PUBLIC_KEY_FP must be SHA256:abc=");
    assertThat(report.results().subList(1, report.results().size()))
        .allMatch(r -> r.status() == CheckResult.Status.SKIPPED);
    assertThat(report.exitCode()).isEqualTo(1);
  }
}
