package io.lmsingest.loader.check;

import io.lmsingest.loader.warehouse.Identifier;
import io.lmsingest.loader.warehouse.Migrations;
import io.lmsingest.loader.warehouse.SnowflakeTypes;
import io.lmsingest.loader.warehouse.SnowflakeWarehouse;
import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code loader check}: everything the loader needs from a Snowflake account, checked with
 * read-only statements (SELECT, SHOW, DESC, LIST, and COPY in VALIDATION_MODE, which loads
 * nothing), each failure printed with the statement that fixes it. It changes nothing.
 */
public final class SnowflakeCheck {
  /** The loader's tables; the first two gain columns with schema evolution (needs OWNERSHIP). */
  static final List<String> TABLES =
      List.of(
          "raw_learner_activity",
          "analytics_ready",
          "load_ledger",
          "load_batches",
          "load_quarantine",
          "load_quarantined_files",
          "load_lock",
          "schema_history");

  static final List<String> EVOLVING = List.of("raw_learner_activity", "analytics_ready");
  static final Set<String> TABLE_DML = Set.of("SELECT", "INSERT", "UPDATE", "DELETE");
  private static final Pattern BRONZE_KEY = Pattern.compile("[A-Za-z0-9=+._/-]{1,1024}");
  private static final Pattern QUOTED = Pattern.compile("\"([^\"]+)\"");

  /** What the loader is configured to use ({@code ""} where the config leaves it to defaults). */
  public record Target(
      String user,
      String role,
      String warehouse,
      String database,
      String schema,
      String stage,
      String bucket) {}

  private final Target target;
  private final String stage;
  private final SnowflakeWarehouse.ConnectionFactory factory;
  private final Optional<String> bronzeKey;
  private final String keyFingerprint;

  // What the session turned out to have.
  private String role;
  private String database;
  private String schema;
  private Set<String> roles = Set.of();
  private boolean tablesExist;
  private boolean migrated;
  private String integration = "<integration>";

  /**
   * @param bronzeKey one Bronze object key for the checks that read a file (empty: they are
   *     skipped)
   * @param keyFingerprint the public-key fingerprint of the configured private key, shown when
   *     authentication fails so it can be compared with {@code DESC USER}
   */
  public SnowflakeCheck(
      Target target,
      SnowflakeWarehouse.ConnectionFactory factory,
      Optional<String> bronzeKey,
      String keyFingerprint) {
    this.target = target;
    this.stage = Identifier.qualified(target.stage(), "snowflake.stage");
    this.factory = factory;
    this.bronzeKey = bronzeKey.filter(k -> BRONZE_KEY.matcher(k).matches());
    this.keyFingerprint = keyFingerprint;
  }

  public CheckReport run() {
    List<CheckResult> results = new ArrayList<>();
    Connection c;
    try {
      c = factory.open();
    } catch (SQLException | RuntimeException e) {
      results.add(
          CheckResult.fail(
              "connect (key pair)",
              "cannot connect: " + e.getMessage(),
              "check snowflake.url (jdbc:snowflake://<account_identifier>.snowflakecomputing.com/)"
                  + " and that this machine reaches it",
              "DESC USER "
                  + name(target.user(), "<user>")
                  + ";  -- RSA_PUBLIC_KEY_FP must be "
                  + keyFingerprint,
              "ALTER USER "
                  + name(target.user(), "<user>")
                  + " SET RSA_PUBLIC_KEY = '<the public key of snowflake.private.key>';"));
      for (String later :
          List.of(
              "session",
              "time zone",
              "migrations",
              "schema privileges",
              "table privileges",
              "stage",
              "file format",
              "stage reads the bucket",
              "COPY dry run",
              "file columns vs tables",
              "attributes as OBJECT")) {
        results.add(CheckResult.skipped(later, "not connected"));
      }
      return new CheckReport(results);
    }
    try (c) {
      results.add(session(c));
      results.add(timeZone(c));
      results.add(migrations(c));
      results.add(schemaPrivileges(c));
      results.add(tablePrivileges(c));
      results.add(stage(c));
      results.add(fileFormat(c));
      if (bronzeKey.isEmpty()) {
        for (String later :
            List.of(
                "stage reads the bucket",
                "COPY dry run",
                "file columns vs tables",
                "attributes as OBJECT")) {
          results.add(
              CheckResult.skipped(
                  later, "no Bronze file found in the bucket yet (run the sink first)"));
        }
      } else {
        String key = bronzeKey.get();
        results.add(stageReadsTheBucket(c, key));
        results.add(copyDryRun(c, key));
        results.add(fileColumnsVsTables(c, key));
        results.add(attributesAsObject(c, key));
      }
    } catch (SQLException e) {
      results.add(CheckResult.fail("connection", "lost: " + e.getMessage()));
    }
    return new CheckReport(results);
  }

  CheckResult session(Connection c) {
    String check = "session";
    try (Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT CURRENT_USER(), CURRENT_ROLE(), CURRENT_WAREHOUSE(), CURRENT_DATABASE(),"
                    + " CURRENT_SCHEMA(), CURRENT_AVAILABLE_ROLES()")) {
      rs.next();
      String user = rs.getString(1);
      role = rs.getString(2);
      String warehouse = rs.getString(3);
      database = rs.getString(4);
      schema = rs.getString(5);
      roles = quotedNames(rs.getString(6));
      String found =
          "user "
              + user
              + ", role "
              + role
              + ", warehouse "
              + warehouse
              + ", database "
              + database
              + ", schema "
              + schema;
      List<String> fix = new ArrayList<>();
      if (role == null) {
        fix.add("GRANT ROLE " + name(target.role(), "<role>") + " TO USER " + user + ";");
      }
      if (warehouse == null) {
        fix.add(
            "GRANT USAGE ON WAREHOUSE "
                + name(target.warehouse(), "<warehouse>")
                + " TO ROLE "
                + roleName()
                + ";  -- and set snowflake.warehouse");
      }
      if (database == null) {
        fix.add(
            "GRANT USAGE ON DATABASE "
                + name(target.database(), "<database>")
                + " TO ROLE "
                + roleName()
                + ";  -- and set snowflake.database");
      }
      if (schema == null) {
        fix.add(
            "GRANT USAGE ON SCHEMA "
                + name(target.database(), "<database>")
                + "."
                + name(target.schema(), "<schema>")
                + " TO ROLE "
                + roleName()
                + ";  -- and set snowflake.schema");
      }
      return fix.isEmpty()
          ? CheckResult.pass(check, found)
          : CheckResult.fail(check, found, fix.toArray(String[]::new));
    } catch (SQLException e) {
      return CheckResult.fail(check, e.getMessage());
    }
  }

  CheckResult timeZone(Connection c) {
    String check = "time zone";
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SHOW PARAMETERS LIKE 'TIMEZONE' IN SESSION")) {
      String value = rs.next() ? rs.getString("value") : null;
      // Bronze timestamps are UTC instants (TIMESTAMP_LTZ when read); stored in TIMESTAMP_NTZ
      // columns they keep their UTC wall time only in a UTC session.
      return "UTC".equalsIgnoreCase(value) || "Etc/UTC".equalsIgnoreCase(value)
          ? CheckResult.pass(check, "TIMEZONE = " + value)
          : CheckResult.fail(
              check,
              "TIMEZONE = "
                  + value
                  + ": UTC instants would be stored shifted in the TIMESTAMP_NTZ columns",
              "ALTER USER " + name(target.user(), "<user>") + " SET TIMEZONE = 'UTC';");
    } catch (SQLException e) {
      return CheckResult.fail(check, e.getMessage());
    }
  }

  CheckResult migrations(Connection c) {
    String check = "migrations";
    List<String> applied = new ArrayList<>();
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT version FROM schema_history")) {
      while (rs.next()) {
        applied.add(rs.getString(1));
      }
    } catch (SQLException e) {
      return CheckResult.warn(
          check,
          "no loader tables yet ("
              + e.getMessage()
              + "): the loader creates them on its first start");
    }
    tablesExist = true;
    try {
      List<String> missing =
          Migrations.scripts("snowflake").stream().filter(s -> !applied.contains(s)).toList();
      migrated = missing.isEmpty();
      return migrated
          ? CheckResult.pass(check, "all " + applied.size() + " DDL versions applied")
          : CheckResult.warn(check, "the loader applies " + missing + " on its next start");
    } catch (IOException e) {
      return CheckResult.fail(check, "cannot read the loader's own DDL: " + e.getMessage());
    }
  }

  CheckResult schemaPrivileges(Connection c) {
    String check = "schema privileges";
    if (database == null || schema == null) {
      return CheckResult.skipped(check, "no current database/schema");
    }
    String qualified = safe(database) + "." + safe(schema);
    try {
      Set<String> held = privileges(c, "SHOW GRANTS ON SCHEMA " + qualified);
      List<String> needed = new ArrayList<>(List.of("USAGE"));
      if (!migrated) {
        needed.addAll(List.of("CREATE TABLE", "CREATE FILE FORMAT"));
      }
      List<String> missing =
          held.contains("OWNERSHIP")
              ? List.of()
              : needed.stream().filter(p -> !held.contains(p)).toList();
      return missing.isEmpty()
          ? CheckResult.pass(check, "role " + role + " may use " + qualified + heldText(held))
          : CheckResult.fail(
              check,
              "missing on " + qualified + ": " + missing,
              "GRANT "
                  + String.join(", ", missing)
                  + " ON SCHEMA "
                  + qualified
                  + " TO ROLE "
                  + roleName()
                  + ";");
    } catch (SQLException e) {
      return CheckResult.fail(check, e.getMessage());
    }
  }

  CheckResult tablePrivileges(Connection c) {
    String check = "table privileges";
    if (!tablesExist || database == null || schema == null) {
      return CheckResult.skipped(check, "the tables do not exist yet (their creator owns them)");
    }
    List<String> missing = new ArrayList<>();
    List<String> fix = new ArrayList<>();
    boolean evolutionBlocked = false;
    try {
      for (String table : TABLES) {
        String qualified = safe(database) + "." + safe(schema) + "." + table;
        Set<String> held = privileges(c, "SHOW GRANTS ON TABLE " + qualified);
        if (held.contains("OWNERSHIP")) {
          continue;
        }
        List<String> lacking = TABLE_DML.stream().filter(p -> !held.contains(p)).sorted().toList();
        if (!lacking.isEmpty()) {
          missing.add(table + " " + lacking);
          fix.add(
              "GRANT "
                  + String.join(", ", lacking)
                  + " ON TABLE "
                  + qualified
                  + " TO ROLE "
                  + roleName()
                  + ";");
        }
        if (EVOLVING.contains(table)) {
          evolutionBlocked = true;
          fix.add(
              "GRANT OWNERSHIP ON TABLE "
                  + qualified
                  + " TO ROLE "
                  + roleName()
                  + " COPY CURRENT GRANTS;  -- ADD COLUMN (schema evolution) needs ownership");
        }
      }
    } catch (SQLException e) {
      return CheckResult.fail(check, e.getMessage());
    }
    if (!missing.isEmpty()) {
      return CheckResult.fail(
          check, "missing: " + String.join("; ", missing), fix.toArray(String[]::new));
    }
    return evolutionBlocked
        ? CheckResult.warn(
            check,
            "DML granted, but role "
                + role
                + " does not own the tables: a new schema field would fail its batch",
            fix.toArray(String[]::new))
        : CheckResult.pass(
            check, "role " + role + " owns or may write all " + TABLES.size() + " tables");
  }

  CheckResult stage(Connection c) {
    String check = "stage";
    String root = "s3://" + (target.bucket().isEmpty() ? "<bronze-bucket>" : target.bucket()) + "/";
    Map<String, String> properties = new LinkedHashMap<>();
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("DESC STAGE " + stage)) {
      while (rs.next()) {
        properties.put(rs.getString("property"), rs.getString("property_value"));
      }
    } catch (SQLException e) {
      return CheckResult.fail(check, stage + ": " + e.getMessage(), createStage(root));
    }
    String url = properties.getOrDefault("URL", "").replaceAll("[\\[\\]\"]", "");
    String storageIntegration = properties.getOrDefault("STORAGE_INTEGRATION", "");
    if (!storageIntegration.isEmpty()) {
      integration = storageIntegration;
    }
    List<String> problems = new ArrayList<>();
    if (storageIntegration.isEmpty()) {
      problems.add("no storage integration (keys in a stage are not used by this project)");
    }
    if (!target.bucket().isEmpty() ? !url.equals(root) : !url.matches("s3://[^/]+/")) {
      problems.add(
          "URL "
              + url
              + " is not the Bronze bucket's root "
              + root
              + " (the loader names files by key)");
    }
    return problems.isEmpty()
        ? CheckResult.pass(check, stage + " → " + url + " through " + storageIntegration)
        : CheckResult.fail(check, stage + ": " + String.join("; ", problems), createStage(root));
  }

  private String createStage(String root) {
    return "CREATE OR REPLACE STAGE "
        + stage
        + " URL = '"
        + root
        + "' STORAGE_INTEGRATION = "
        + integration
        + ";  -- then GRANT USAGE ON STAGE "
        + stage
        + " TO ROLE "
        + roleName()
        + ";";
  }

  CheckResult fileFormat(Connection c) {
    String check = "file format";
    String fix =
        "CREATE OR REPLACE FILE FORMAT lms_parquet " + SnowflakeWarehouse.FILE_FORMAT_OPTIONS + ";";
    Map<String, String> properties = new LinkedHashMap<>();
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("DESC FILE FORMAT lms_parquet")) {
      while (rs.next()) {
        properties.put(
            rs.getString("property").toUpperCase(Locale.ROOT),
            String.valueOf(rs.getString("property_value")).toUpperCase(Locale.ROOT));
      }
    } catch (SQLException e) {
      return migrated
          ? CheckResult.fail(check, "lms_parquet: " + e.getMessage(), fix)
          : CheckResult.warn(check, "lms_parquet not there yet: the loader creates it on start");
    }
    List<String> wrong = new ArrayList<>();
    Map<String, String> wanted =
        Map.of("TYPE", "PARQUET", "USE_LOGICAL_TYPE", "TRUE", "BINARY_AS_TEXT", "FALSE");
    wanted.forEach(
        (property, value) -> {
          if (!value.equals(properties.get(property))) {
            wrong.add(property + " = " + properties.get(property) + " (wanted " + value + ")");
          }
        });
    return wrong.isEmpty()
        ? CheckResult.pass(
            check, "lms_parquet: TYPE = PARQUET, USE_LOGICAL_TYPE = TRUE, BINARY_AS_TEXT = FALSE")
        : CheckResult.fail(check, "lms_parquet: " + String.join(", ", wrong), fix);
  }

  CheckResult stageReadsTheBucket(Connection c, String key) {
    String check = "stage reads the bucket";
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("LIST @" + stage + "/" + key)) {
      if (rs.next()) {
        return CheckResult.pass(check, "LIST found " + key);
      }
      return CheckResult.fail(
          check,
          "LIST @" + stage + " does not show " + key + ", which is in the bucket",
          "DESC INTEGRATION "
              + integration
              + ";  -- its STORAGE_AWS_IAM_USER_ARN and STORAGE_AWS_EXTERNAL_ID must be in the IAM"
              + " role's trust policy, and the role needs s3:GetObject and s3:ListBucket on the bucket");
    } catch (SQLException e) {
      return CheckResult.fail(
          check,
          e.getMessage(),
          "GRANT USAGE ON STAGE " + stage + " TO ROLE " + roleName() + ";",
          "DESC INTEGRATION "
              + integration
              + ";  -- check the IAM role's trust policy and S3 grants");
    }
  }

  CheckResult copyDryRun(Connection c, String key) {
    String check = "COPY dry run";
    if (!tablesExist) {
      return CheckResult.skipped(check, "raw_learner_activity does not exist yet");
    }
    String copy =
        "COPY INTO raw_learner_activity FROM @"
            + stage
            + " FILES = ('"
            + key
            + "') FILE_FORMAT = ("
            + SnowflakeWarehouse.FILE_FORMAT_OPTIONS
            + ") MATCH_BY_COLUMN_NAME = CASE_INSENSITIVE VALIDATION_MODE = RETURN_ERRORS";
    List<String> errors = new ArrayList<>();
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(copy)) {
      while (rs.next()) {
        errors.add(rs.getString("ERROR") + " (column " + rs.getString("COLUMN_NAME") + ")");
      }
    } catch (SQLException e) {
      return CheckResult.fail(check, e.getMessage());
    }
    return errors.isEmpty()
        ? CheckResult.pass(check, "VALIDATION_MODE = RETURN_ERRORS on " + key + ": no errors")
        : CheckResult.fail(
            check,
            errors.size() + " error(s) loading " + key + "; first: " + errors.get(0),
            "compare the file's columns with raw_learner_activity (see 'file columns vs tables')");
  }

  CheckResult fileColumnsVsTables(Connection c, String key) {
    String check = "file columns vs tables";
    Map<String, String> inferred = new LinkedHashMap<>();
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(SnowflakeWarehouse.inferSchemaQuery(stage, List.of(key)))) {
      while (rs.next()) {
        inferred.put(rs.getString(1).toLowerCase(Locale.ROOT), rs.getString(2));
      }
    } catch (SQLException e) {
      return CheckResult.fail(check, "INFER_SCHEMA: " + e.getMessage());
    }
    if (!tablesExist || database == null || schema == null) {
      return CheckResult.pass(
          check, inferred.size() + " columns in the file; the tables do not exist yet");
    }
    List<String> wrong = new ArrayList<>();
    List<String> added = new ArrayList<>();
    List<String> fix = new ArrayList<>();
    try {
      for (String table : EVOLVING) {
        Map<String, String> columns = new LinkedHashMap<>();
        try (Statement st = c.createStatement();
            ResultSet rs =
                st.executeQuery(
                    "SELECT COLUMN_NAME, DATA_TYPE FROM "
                        + safe(database)
                        + ".INFORMATION_SCHEMA.COLUMNS WHERE TABLE_SCHEMA = '"
                        + safe(schema).toUpperCase(Locale.ROOT)
                        + "' AND TABLE_NAME = '"
                        + table.toUpperCase(Locale.ROOT)
                        + "'")) {
          while (rs.next()) {
            columns.put(rs.getString(1).toLowerCase(Locale.ROOT), rs.getString(2));
          }
        }
        for (Map.Entry<String, String> column : inferred.entrySet()) {
          String declared = columns.get(column.getKey());
          if (declared == null) {
            added.add(
                table + "." + column.getKey() + " " + SnowflakeTypes.columnFor(column.getValue()));
          } else if (!SnowflakeTypes.loadsInto(column.getValue(), declared)) {
            wrong.add(
                table
                    + "."
                    + column.getKey()
                    + " is "
                    + declared
                    + ", the file has "
                    + column.getValue());
            fix.add(
                "ALTER TABLE "
                    + table
                    + " RENAME COLUMN "
                    + column.getKey()
                    + " TO "
                    + column.getKey()
                    + "_old;  -- the loader adds it again as "
                    + SnowflakeTypes.columnFor(column.getValue()));
          }
        }
      }
    } catch (SQLException | IllegalArgumentException e) {
      return CheckResult.fail(check, e.getMessage());
    }
    if (!wrong.isEmpty()) {
      return CheckResult.fail(check, String.join("; ", wrong), fix.toArray(String[]::new));
    }
    return added.isEmpty()
        ? CheckResult.pass(check, inferred.size() + " columns of " + key + " load into both tables")
        : CheckResult.warn(check, "the loader adds on the next batch: " + String.join(", ", added));
  }

  CheckResult attributesAsObject(Connection c, String key) {
    String check = "attributes as OBJECT";
    try (Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT TYPEOF($1:attributes) FROM @"
                    + stage
                    + "/"
                    + key
                    + " (FILE_FORMAT => 'lms_parquet') LIMIT 1")) {
      String type = rs.next() ? rs.getString(1) : null;
      return "OBJECT".equalsIgnoreCase(type)
          ? CheckResult.pass(check, "attributes reads as OBJECT (query it as attributes:device)")
          : CheckResult.fail(
              check,
              "attributes reads as "
                  + type
                  + ", not OBJECT: attributes:device would not work on the loaded rows",
              "report it with this output: Bronze writes attributes as a Parquet MAP");
    } catch (SQLException e) {
      return CheckResult.fail(check, e.getMessage());
    }
  }

  /** Privileges on an object held by any role of this session (its role and those it inherits). */
  private Set<String> privileges(Connection c, String show) throws SQLException {
    Set<String> held = new LinkedHashSet<>();
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(show)) {
      while (rs.next()) {
        if ("ROLE".equalsIgnoreCase(rs.getString("granted_to"))
            && (roles.contains(rs.getString("grantee_name"))
                || rs.getString("grantee_name").equalsIgnoreCase(role))) {
          held.add(rs.getString("privilege").toUpperCase(Locale.ROOT));
        }
      }
    }
    return held;
  }

  private static String heldText(Set<String> held) {
    return held.isEmpty() ? "" : " " + held;
  }

  private String roleName() {
    return name(target.role(), role == null ? "<role>" : role);
  }

  private static String name(String configured, String otherwise) {
    return configured == null || configured.isEmpty() ? otherwise : configured;
  }

  /** A name the session reported, checked before it goes into a statement. */
  private static String safe(String reported) {
    return Identifier.of(reported, "name reported by Snowflake");
  }

  private static Set<String> quotedNames(String jsonArray) {
    Set<String> names = new LinkedHashSet<>();
    if (jsonArray != null) {
      Matcher m = QUOTED.matcher(jsonArray);
      while (m.find()) {
        names.add(m.group(1));
      }
    }
    return names;
  }
}
