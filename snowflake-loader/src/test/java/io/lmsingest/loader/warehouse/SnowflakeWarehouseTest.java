package io.lmsingest.loader.warehouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lmsingest.loader.batch.BatchLoader;
import io.lmsingest.loader.batch.MergeStatement;
import io.lmsingest.loader.manifest.MicroBatch;
import io.lmsingest.schemas.BronzeFile;
import io.lmsingest.schemas.BronzeManifest;
import io.lmsingest.schemas.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Function;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Snowflake's statements, produced by the loader's real code path against a recording connection.
 */
class SnowflakeWarehouseTest {
  static final List<String> RAW =
      List.of(
          "ACTIVITY_ID",
          "LEARNER_ID",
          "UPDATED_AT",
          "SCORE",
          "ACTIVITY_TIMESTAMP",
          "IS_DELETED",
          "_KAFKA_PARTITION",
          "_KAFKA_OFFSET",
          "_FILE_KEY",
          "_BATCH_ID");

  static MicroBatch batch(String... keys) {
    List<BronzeFile> files = new ArrayList<>();
    for (int i = 0; i < keys.length; i++) {
      files.add(
          BronzeFile.newBuilder()
              .setKey(keys[i])
              .setSizeBytes(100)
              .setChecksum("ab")
              .setRowCount(10)
              .setPartition(i)
              .setStartOffset(0)
              .setEndOffset(9)
              .setSchemaFingerprint("01")
              .setMinUpdatedAt(null)
              .setMaxUpdatedAt(null)
              .build());
    }
    return MicroBatch.of(
        List.of(
            BronzeManifest.newBuilder()
                .setBatchId("m1")
                .setTopic(Topics.V1)
                .setCreatedAt(Instant.parse("2026-11-24T10:00:00Z"))
                .setFiles(files)
                .build()));
  }

  static final String K1 =
      "bronze/learner_activity/dt=2026-11-24/lms.learner-activity.v1+0+00000000000000000000.parquet";
  static final String K2 =
      "bronze/learner_activity/dt=2026-11-24/lms.learner-activity.v1+1+00000000000000000000.parquet";

  /** A warehouse where every statement works: COPY loads each file whole. */
  static List<Object[]> healthy(String sql, List<String> keys) {
    if (sql.startsWith("SELECT COLUMN_NAME, TYPE FROM TABLE(INFER_SCHEMA")) {
      return List.of(
          new Object[] {"activity_id", "TEXT"},
          new Object[] {"grade_band", "TEXT"},
          new Object[] {"graded_at", "TIMESTAMP_LTZ"});
    }
    if (sql.startsWith("SELECT COUNT(*) FROM load_ledger WHERE batch_id")) {
      return List.<Object[]>of(new Object[] {(long) keys.size()});
    }
    if (sql.startsWith("SELECT _file_key, COUNT(*)")) {
      return keys.stream().map(k -> new Object[] {k, 10L}).toList();
    }
    if (sql.contains("is_deleted AND (")) {
      return List.<Object[]>of(new Object[] {0L}); // no delete lacks columns, here or in the target
    }
    if (sql.startsWith("SELECT COUNT(*)")) {
      return List.<Object[]>of(new Object[] {20L, 5L, 3L, null});
    }
    return List.of(); // the ledger holds none of the files yet
  }

  /** COPY's own answer: one row per file, as Snowflake returns it for an external stage. */
  static RecordingConnection.Rows copyResult(Object[]... rows) {
    return RecordingConnection.Rows.named(
        List.of("file", "status", "rows_parsed", "rows_loaded", "errors_seen"), rows);
  }

  /** Answers queries by position from {@code answers}, and COPY with {@code copy}. */
  static RecordingConnection answering(
      Function<String, List<Object[]>> answers, RecordingConnection.Rows copy) {
    return RecordingConnection.answering(
        RAW,
        sql ->
            sql.startsWith("COPY INTO")
                ? copy
                : new RecordingConnection.Rows(List.of(), answers.apply(sql)));
  }

  /** Snowflake with one DDL statement among the batch's copy statements. */
  private static final class DdlInBatch extends ForwardingWarehouse {
    DdlInBatch(SnowflakeWarehouse delegate) {
      super(delegate);
    }

    @Override
    public List<String> copyStatements(Staged staged, List<Column> fileColumns) {
      List<String> statements = new ArrayList<>(delegate.copyStatements(staged, fileColumns));
      statements.add("CREATE TEMPORARY TABLE t_" + staged.batch().id() + " (x INTEGER)");
      return statements;
    }
  }

  @Test
  void aBatchWithDeletesLackingColumnsFillsThemAndTheNextBatchStillFillsTheTarget()
      throws Exception {
    MicroBatch first = batch(K1);
    MicroBatch second = batch(K2);
    long[] batchesCommitted = {0};
    RecordingConnection recording =
        RecordingConnection.answering(
            RAW,
            sql -> {
              boolean ofSecond = sql.contains(K2) || sql.contains(second.id());
              String key = ofSecond ? K2 : K1;
              if (sql.startsWith("COPY INTO")) {
                return copyResult(
                    new Object[] {"s3://bronze-bucket/" + key, "LOADED", 10L, 10L, 0L});
              }
              List<Object[]> rows;
              if (sql.contains(") b WHERE is_deleted AND (")) {
                // The first batch holds 3 deletes lacking columns, the second none.
                rows = List.<Object[]>of(new Object[] {ofSecond ? 0L : 3L});
              } else if (sql.contains("FROM analytics_ready t WHERE t.is_deleted AND (")) {
                rows = List.<Object[]>of(new Object[] {0L});
              } else if (sql.equals("SELECT COUNT(*) FROM load_batches")) {
                rows = List.<Object[]>of(new Object[] {batchesCommitted[0]++});
              } else {
                rows = healthy(sql, List.of(key));
              }
              return new RecordingConnection.Rows(List.of(), rows);
            });
    BatchLoader loader =
        new BatchLoader(
            new SnowflakeWarehouse("lms.bronze.lms_bronze_stage", recording::connection),
            Clock.fixed(Instant.parse("2026-11-24T10:15:30.123Z"), ZoneOffset.UTC),
            "loader@host/1");
    loader.load(first, false);
    // A newer delete keeps what it lacks (from the batch's earlier versions, else the target's
    // row); an older version fills a deleted row's gaps.
    assertThat(lastMerge(recording))
        .contains("LAST_VALUE(")
        .contains(
            "learner_id = CASE WHEN s.is_deleted AND NULLIF(s.learner_id, '') IS NULL THEN"
                + " t.learner_id ELSE s.learner_id END")
        .contains("WHEN MATCHED AND t.is_deleted AND (");

    // The next batch has none, but the target may now hold such a delete: it keeps filling gaps,
    // without asking the target again (load_batches grew by this loader's batch alone).
    recording.log.clear();
    loader.load(second, false);
    assertThat(recording.log)
        .noneMatch(q -> q.contains("FROM analytics_ready t WHERE t.is_deleted"));
    assertThat(lastMerge(recording))
        .contains("learner_id = s.learner_id")
        .contains("WHEN MATCHED AND t.is_deleted AND (")
        .doesNotContain("LAST_VALUE(");
  }

  static String lastMerge(RecordingConnection recording) {
    return recording.log.stream()
        .filter(q -> q.startsWith("MERGE"))
        .reduce((a, b) -> b)
        .orElseThrow();
  }

  @Test
  void oneBatchIsLedgerCheckInferSchemaThenOneTransactionOfLockCopyMergeAndLedger()
      throws Exception {
    MicroBatch batch = batch(K1, K2);
    RecordingConnection recording =
        answering(
            sql -> healthy(sql, batch.keys()),
            copyResult(
                new Object[] {"s3://bronze-bucket/" + K1, "LOADED", 10L, 10L, 0L},
                new Object[] {"s3://bronze-bucket/" + K2, "LOADED", 10L, 10L, 0L}));
    SnowflakeWarehouse warehouse =
        new SnowflakeWarehouse("lms.bronze.lms_bronze_stage", recording::connection);
    Clock clock = Clock.fixed(Instant.parse("2026-11-24T10:15:30.123Z"), ZoneOffset.UTC);

    var result = new BatchLoader(warehouse, clock, "loader@host/1").load(batch, false);

    List<String> log = recording.log;
    int i = 0;
    String ledgerCheck =
        "SELECT file_key FROM load_ledger WHERE file_key IN ('" + K1 + "', '" + K2 + "')";
    assertThat(log.get(i++)).isEqualTo("AUTOCOMMIT true");
    assertThat(log.get(i++)).isEqualTo(ledgerCheck);
    assertThat(log.get(i++))
        .isEqualTo(
            "SELECT COLUMN_NAME, TYPE FROM TABLE(INFER_SCHEMA(LOCATION => '@lms.bronze.lms_bronze_stage',"
                + " FILES => ('"
                + K1
                + "', '"
                + K2
                + "'), FILE_FORMAT => 'lms_parquet', IGNORE_CASE => TRUE))");
    // Schema evolution: DDL before the transaction (in Snowflake DDL commits an open transaction);
    // a new UTC timestamp becomes TIMESTAMP_NTZ like the others.
    int begin = log.indexOf("AUTOCOMMIT false");
    assertThat(log.subList(i, begin))
        .contains(
            "ALTER TABLE raw_learner_activity ADD COLUMN IF NOT EXISTS grade_band TEXT",
            "ALTER TABLE analytics_ready ADD COLUMN IF NOT EXISTS grade_band TEXT",
            "ALTER TABLE analytics_ready ADD COLUMN IF NOT EXISTS graded_at TIMESTAMP_NTZ");
    assertThat(log.subList(0, begin)).noneMatch(s -> s.startsWith("COPY") || s.startsWith("MERGE"));
    List<String> tx = log.subList(begin + 1, log.indexOf("COMMIT"));
    assertThat(tx).noneMatch(s -> s.matches("(?is)\\s*(CREATE|ALTER|DROP|TRUNCATE)\\b.*"));
    String id = batch.id();
    int t = 0;
    // One loader at a time: the lock first, then the ledger checked again under it.
    assertThat(tx.get(t++)).isEqualTo(MergeStatement.TAKE_LOAD_LOCK);
    assertThat(tx.get(t++)).isEqualTo(ledgerCheck);
    assertThat(tx.get(t++))
        .isEqualTo("DELETE FROM raw_learner_activity WHERE _batch_id = '" + id + "'");
    assertThat(tx.get(t++))
        .isEqualTo(
            "COPY INTO raw_learner_activity FROM @lms.bronze.lms_bronze_stage FILES = ('"
                + K1
                + "', '"
                + K2
                + "')"
                + " FILE_FORMAT = (TYPE = PARQUET USE_LOGICAL_TYPE = TRUE BINARY_AS_TEXT = FALSE)"
                + " MATCH_BY_COLUMN_NAME = CASE_INSENSITIVE"
                + " INCLUDE_METADATA = (_file_key = METADATA$FILENAME) FORCE = TRUE ON_ERROR = ABORT_STATEMENT");
    assertThat(tx.get(t++))
        .isEqualTo(
            "UPDATE raw_learner_activity SET _batch_id = '"
                + id
                + "' WHERE _batch_id IS NULL AND _file_key IN ('"
                + K1
                + "', '"
                + K2
                + "')");
    assertThat(tx.get(t++))
        .isEqualTo(
            "SELECT _file_key, COUNT(*) FROM (SELECT * FROM raw_learner_activity WHERE _batch_id = '"
                + id
                + "') b GROUP BY _file_key");
    assertThat(tx.get(t++))
        .startsWith("INSERT INTO load_quarantine")
        .contains("TO_TIMESTAMP_NTZ('2026-11-24 10:15:30.123')");
    // Deletes lacking columns, in the target (looked at once: this loader's first batch) and in
    // the batch? None here: the usual source and MERGE, which read no more of the target than
    // they need.
    assertThat(tx.get(t++)).isEqualTo("SELECT COUNT(*) FROM load_batches");
    assertThat(tx.get(t++))
        .startsWith("SELECT COUNT(*) FROM analytics_ready t WHERE t.is_deleted AND (")
        .contains("NULLIF(t.learner_id, '') IS NULL");
    assertThat(tx.get(t++))
        .isEqualTo(
            "SELECT COUNT(*) FROM (SELECT * FROM raw_learner_activity WHERE _batch_id = '"
                + id
                + "') b WHERE is_deleted AND (learner_id = '' OR course_id = '' OR activity_type ="
                + " '' OR activity_timestamp < TO_TIMESTAMP_NTZ('2000-01-01 00:00:00.000'))");
    assertThat(tx.get(t++)).startsWith("SELECT COUNT(*), COUNT(t.activity_id)");
    String merge = tx.get(t++);
    assertThat(merge)
        .startsWith(
            "MERGE INTO analytics_ready t USING (SELECT activity_id, learner_id, updated_at")
        .contains(
            "QUALIFY ROW_NUMBER() OVER (PARTITION BY activity_id ORDER BY updated_at DESC, _kafka_partition DESC, _kafka_offset DESC) = 1")
        .contains(
            "WHEN MATCHED AND (s.updated_at > t.updated_at OR (s.updated_at = t.updated_at AND (s._kafka_partition > t._kafka_partition")
        .contains("batch_id = '" + id + "'")
        .contains("learner_id = s.learner_id")
        .doesNotContain("CASE WHEN s.is_deleted")
        .doesNotContain("WHEN MATCHED AND t.is_deleted")
        .doesNotContainIgnoringCase("last_value")
        .doesNotContain("_file_key, _batch_id");
    assertThat(tx.get(t++)).isEqualTo("BATCH " + MergeStatement.LEDGER_INSERT);
    assertThat(tx.get(t++)).isEqualTo(MergeStatement.BATCH_INSERT);
    assertThat(tx).hasSize(t);
    assertThat(log.get(log.indexOf("COMMIT") + 2))
        .startsWith("SELECT COUNT(*) FROM load_ledger WHERE batch_id = ?");
    assertThat(result.rowsCopied()).isEqualTo(20);
    assertThat(result.rowsInserted()).isEqualTo(15);
    assertThat(result.rowsUpdated()).isEqualTo(3);
    assertThat(result.rowsUnchanged()).isEqualTo(2);
    assertThat(literalsIn(log)).allSatisfy(SnowflakeWarehouseTest::isValidatedValue);
  }

  /**
   * Every value spliced into the loader's SQL passed validation: Bronze keys (checked against the
   * key alphabet), batch ids (hex of a hash), timestamps formatted from an Instant, or constants of
   * the loader's own text.
   */
  static boolean isValidatedValue(String literal) {
    return literal.matches("bronze/[A-Za-z0-9=+._/-]+\\.parquet")
        || literal.matches("[0-9a-f]{32}")
        || literal.matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3}")
        || literal.matches("@[A-Za-z0-9_.$]+")
        || List.of("lms_parquet", "loader", "MERGED").contains(literal)
        || List.of(
                "empty_activity_id",
                "missing_updated_at",
                "missing_activity_timestamp",
                "updated_before_activity",
                "score_out_of_range",
                "{}",
                "")
            .contains(literal);
  }

  static List<String> literalsIn(List<String> statements) {
    List<String> literals = new ArrayList<>();
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("'([^']*)'").matcher(String.join("\n", statements));
    while (m.find()) {
      literals.add(m.group(1));
    }
    return literals;
  }

  @Test
  void aFileCopyDidNotLoadWholeFailsTheBatchBeforeAnyMerge() throws Exception {
    MicroBatch batch = batch(K1, K2);
    RecordingConnection recording =
        answering(
            sql -> healthy(sql, batch.keys()),
            copyResult(
                new Object[] {"s3://bronze-bucket/" + K1, "LOADED", 10L, 10L, 0L},
                new Object[] {"s3://bronze-bucket/" + K2, "PARTIALLY_LOADED", 10L, 7L, 3L}));
    SnowflakeWarehouse warehouse = new SnowflakeWarehouse("stage", recording::connection);

    assertThatThrownBy(() -> new BatchLoader(warehouse, Clock.systemUTC()).load(batch, false))
        .isInstanceOf(SQLException.class)
        .hasMessageContaining(K2 + ": status PARTIALLY_LOADED, 7 rows loaded, manifest says 10")
        .hasMessageNotContaining(K1 + ":");
    assertThat(recording.log).contains("ROLLBACK").doesNotContain("COMMIT");
    assertThat(recording.log).noneMatch(s -> s.startsWith("MERGE"));
  }

  @Test
  void aFileMissingFromCopysResultFailsTheBatch() throws Exception {
    MicroBatch batch = batch(K1, K2);
    RecordingConnection recording =
        answering(
            sql -> healthy(sql, batch.keys()),
            copyResult(new Object[] {"s3://bronze-bucket/" + K1, "LOADED", 10L, 10L, 0L}));
    assertThatThrownBy(
            () ->
                new BatchLoader(
                        new SnowflakeWarehouse("stage", recording::connection), Clock.systemUTC())
                    .load(batch, false))
        .hasMessageContaining(K2 + ": not in COPY's result");
    assertThat(recording.log).contains("ROLLBACK").doesNotContain("COMMIT");
  }

  @Test
  void rowsInRawThatDoNotMatchTheManifestFailTheBatch() throws Exception {
    MicroBatch batch = batch(K1, K2);
    RecordingConnection recording =
        answering(
            sql ->
                sql.startsWith("SELECT _file_key, COUNT(*)")
                    ? List.<Object[]>of(new Object[] {K1, 10L}, new Object[] {K2, 20L})
                    : healthy(sql, batch.keys()),
            copyResult(
                new Object[] {K1, "LOADED", 10L, 10L, 0L},
                new Object[] {K2, "LOADED", 10L, 10L, 0L}));
    assertThatThrownBy(
            () ->
                new BatchLoader(
                        new SnowflakeWarehouse("stage", recording::connection), Clock.systemUTC())
                    .load(batch, false))
        .hasMessageContaining(K2 + ": 20 rows copied, manifest m1 says 10");
    assertThat(recording.log).contains("ROLLBACK").doesNotContain("COMMIT");
  }

  @Test
  void aFileAnotherLoaderCommittedMeanwhileIsLeftOutUnderTheLock() throws Exception {
    MicroBatch batch = batch(K1, K2);
    int[] ledgerChecks = {0};
    RecordingConnection recording =
        answering(
            sql -> {
              if (sql.startsWith("SELECT file_key FROM load_ledger")) {
                // Free before the lock; under the lock, another loader has committed K1.
                return ++ledgerChecks[0] == 1 || !sql.contains(K1)
                    ? List.of()
                    : List.<Object[]>of(new Object[] {K1});
              }
              return healthy(sql, List.of(K2));
            },
            copyResult(new Object[] {K2, "LOADED", 10L, 10L, 0L}));
    var result =
        new BatchLoader(new SnowflakeWarehouse("stage", recording::connection), Clock.systemUTC())
            .load(batch, false);

    assertThat(result.files()).isEqualTo(1);
    List<String> log = recording.log;
    int firstLock = log.indexOf(MergeStatement.TAKE_LOAD_LOCK);
    assertThat(log.get(firstLock + 2)).as("raced: nothing written").isEqualTo("ROLLBACK");
    List<String> copies = log.stream().filter(s -> s.startsWith("COPY INTO")).toList();
    assertThat(copies).hasSize(1);
    assertThat(copies.get(0)).contains("FILES = ('" + K2 + "')").doesNotContain(K1);
  }

  @Test
  void aBatchIdThatIsNotHexNeverReachesTheCopyStatements() {
    MicroBatch healthy = batch(K1);
    MicroBatch forged = new MicroBatch("0' OR '1'='1", healthy.topic(), healthy.files());
    SnowflakeWarehouse snowflake =
        new SnowflakeWarehouse("stage", answering(sql -> List.of(), copyResult())::connection);
    assertThatThrownBy(
            () -> snowflake.copyStatements(new Warehouse.Staged(forged, healthy.keys()), List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("batch id");
    assertThat(snowflake.copyStatements(new Warehouse.Staged(healthy, healthy.keys()), List.of()))
        .first()
        .isEqualTo("DELETE FROM raw_learner_activity WHERE _batch_id = '" + healthy.id() + "'");
  }

  @Test
  void ddlInsideTheBatchTransactionIsRefusedForSnowflake() {
    MicroBatch batch = batch(K1);
    RecordingConnection recording =
        answering(
            sql -> healthy(sql, batch.keys()),
            copyResult(new Object[] {K1, "LOADED", 10L, 10L, 0L}));
    SnowflakeWarehouse snowflake = new SnowflakeWarehouse("stage", recording::connection);
    Warehouse withDdl = new DdlInBatch(snowflake);
    assertThatThrownBy(() -> new BatchLoader(withDdl, Clock.systemUTC()).load(batch, false))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("refusing DDL inside the batch transaction (snowflake");
    assertThat(recording.log).doesNotContain("COMMIT").contains("ROLLBACK");
    assertThat(recording.log).noneMatch(s -> s.startsWith("CREATE"));
  }

  @Test
  void aForcedReloadSkipsNoFileAndReplacesTheLedgerRows() throws Exception {
    String k1 = "bronze/learner_activity/dt=2026-11-24/t+0+00000000000000000000.parquet";
    RecordingConnection recording =
        answering(
            sql ->
                sql.startsWith("SELECT file_key")
                    ? List.<Object[]>of(new Object[] {k1})
                    : healthy(sql, List.of(k1)),
            copyResult(new Object[] {k1, "LOADED", 10L, 10L, 0L}));
    new BatchLoader(new SnowflakeWarehouse("stage", recording::connection), Clock.systemUTC())
        .load(batch(k1), true);
    assertThat(recording.log).noneMatch(s -> s.startsWith("SELECT file_key FROM load_ledger"));
    assertThat(recording.log).contains("DELETE FROM load_ledger WHERE file_key IN ('" + k1 + "')");
    assertThat(recording.log)
        .anyMatch(s -> s.startsWith("COPY INTO") && s.contains("FORCE = TRUE"));
  }

  @Test
  void namesFromConfigAreCheckedBeforeAnySql() {
    assertThatThrownBy(() -> new SnowflakeWarehouse("stage; DROP TABLE x", () -> null))
        .hasMessageContaining(
            "snowflake.stage 'stage; DROP TABLE x' is not a (qualified) SQL identifier");
    assertThatThrownBy(() -> SnowflakeWarehouse.connectionProperties("u", "r\"x", "", "", "", null))
        .hasMessageContaining("snowflake.role");
    assertThatThrownBy(() -> batch("bronze/x'; DROP TABLE analytics_ready; --.parquet"))
        .hasMessageContaining("a Bronze key never has");
  }

  @Test
  void keyPairAuthHandsTheDriverAKeyObjectReadFromPlainOrEncryptedPkcs8() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    KeyPair pair = generator.generateKeyPair();
    String plain =
        "-----BEGIN PRIVATE KEY-----\n"
            + Base64.getMimeEncoder().encodeToString(pair.getPrivate().getEncoded())
            + "\n-----END PRIVATE KEY-----\n";
    PrivateKey parsed = SnowflakePrivateKey.parse(plain, Optional.empty());
    assertThat(parsed.getEncoded()).isEqualTo(pair.getPrivate().getEncoded());

    Properties props =
        SnowflakeWarehouse.connectionProperties(
            "LOADER", "LMS_LOADER", "LOAD_WH", "LMS", "BRONZE", parsed);
    assertThat(props.get("privateKey")).isSameAs(parsed);
    // What DESC USER shows as RSA_PUBLIC_KEY_FP for the matching public key.
    assertThat(SnowflakePrivateKey.publicKeyFingerprint(parsed))
        .isEqualTo(
            "SHA256:"
                + Base64.getEncoder()
                    .encodeToString(
                        MessageDigest.getInstance("SHA-256")
                            .digest(pair.getPublic().getEncoded())));
    assertThat(props).doesNotContainKey("password");
    assertThat(Class.forName("net.snowflake.client.jdbc.SnowflakeDriver")).isNotNull();
  }

  /**
   * The encrypted form exactly as Snowflake's key-pair guide makes it (openssl pkcs8 -topk8 -v2
   * aes256).
   */
  @Test
  void readsAnOpensslEncryptedKey(@TempDir Path dir) throws Exception {
    Assumptions.assumeTrue(
        new ProcessBuilder("openssl", "version").start().waitFor() == 0,
        "openssl is not installed: the encrypted-key test needs it to make a key the way Snowflake's guide does");
    Path key = dir.resolve("rsa_key.p8");
    Process p =
        new ProcessBuilder(
                "sh",
                "-c",
                "openssl genrsa 2048 2>/dev/null | openssl pkcs8 -topk8 -v2 aes256 -inform PEM -out "
                    + key
                    + " -passout pass:test-passphrase")
            .redirectErrorStream(true)
            .start();
    assertThat(p.waitFor()).as(new String(p.getInputStream().readAllBytes())).isZero();
    String encrypted = Files.readString(key);
    assertThat(encrypted).contains("BEGIN ENCRYPTED PRIVATE KEY");
    assertThat(
            SnowflakePrivateKey.parse(encrypted, Optional.of("test-passphrase".toCharArray()))
                .getAlgorithm())
        .isEqualTo("RSA");
    assertThatThrownBy(
            () -> SnowflakePrivateKey.parse(encrypted, Optional.of("wrong".toCharArray())))
        .hasMessageContaining("cannot be read")
        .hasMessageNotContaining(encrypted.substring(40, 60));
    assertThatThrownBy(() -> SnowflakePrivateKey.parse(encrypted, Optional.empty()))
        .hasMessageContaining("snowflake.private.key.passphrase");
  }
}
