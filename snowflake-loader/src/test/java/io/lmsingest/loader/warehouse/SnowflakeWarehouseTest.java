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
import java.security.PrivateKey;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
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

  @Test
  void oneBatchIsLedgerCheckInferSchemaThenOneTransactionOfCopyMergeAndLedger() throws Exception {
    String k1 =
        "bronze/learner_activity/dt=2026-11-24/lms.learner-activity.v1+0+00000000000000000000.parquet";
    String k2 =
        "bronze/learner_activity/dt=2026-11-24/lms.learner-activity.v1+1+00000000000000000000.parquet";
    MicroBatch batch = batch(k1, k2);
    RecordingConnection recording =
        new RecordingConnection(
            sql -> {
              if (sql.startsWith("SELECT COLUMN_NAME, TYPE FROM TABLE(INFER_SCHEMA")) {
                return List.of(
                    new Object[] {"activity_id", "TEXT"}, new Object[] {"grade_band", "TEXT"});
              }
              if (sql.startsWith("SELECT COUNT(*) FROM load_ledger WHERE batch_id")) {
                return List.<Object[]>of(new Object[] {2L});
              }
              if (sql.startsWith("SELECT COUNT(*)")) {
                return List.<Object[]>of(new Object[] {20L, 5L, 3L, null});
              }
              return List.of(); // the ledger holds none of the files yet
            },
            RAW);
    SnowflakeWarehouse warehouse =
        new SnowflakeWarehouse("lms.bronze.lms_bronze_stage", recording::connection);
    Clock clock = Clock.fixed(Instant.parse("2026-11-24T10:15:30.123Z"), ZoneOffset.UTC);

    var result = new BatchLoader(warehouse, clock).load(batch, false);

    List<String> log = recording.log;
    int i = 0;
    assertThat(log.get(i++)).isEqualTo("AUTOCOMMIT true");
    assertThat(log.get(i++))
        .isEqualTo(
            "SELECT file_key FROM load_ledger WHERE file_key IN ('" + k1 + "', '" + k2 + "')");
    assertThat(log.get(i++))
        .isEqualTo(
            "SELECT COLUMN_NAME, TYPE FROM TABLE(INFER_SCHEMA(LOCATION => '@lms.bronze.lms_bronze_stage',"
                + " FILES => ('"
                + k1
                + "', '"
                + k2
                + "'), FILE_FORMAT => 'lms_parquet', IGNORE_CASE => TRUE))");
    // Schema evolution: DDL before the transaction (in Snowflake DDL commits an open transaction).
    assertThat(log.subList(i, i + 6))
        .contains(
            "ALTER TABLE raw_learner_activity ADD COLUMN IF NOT EXISTS grade_band TEXT",
            "ALTER TABLE analytics_ready ADD COLUMN IF NOT EXISTS grade_band TEXT");
    int begin = log.indexOf("AUTOCOMMIT false");
    assertThat(log.subList(0, begin)).noneMatch(s -> s.startsWith("COPY") || s.startsWith("MERGE"));
    List<String> tx = log.subList(begin + 1, log.indexOf("COMMIT"));
    String id = batch.id();
    assertThat(tx.get(0))
        .isEqualTo("DELETE FROM raw_learner_activity WHERE _batch_id = '" + id + "'");
    assertThat(tx.get(1))
        .isEqualTo(
            "COPY INTO raw_learner_activity FROM @lms.bronze.lms_bronze_stage FILES = ('"
                + k1
                + "', '"
                + k2
                + "')"
                + " FILE_FORMAT = (TYPE = PARQUET) MATCH_BY_COLUMN_NAME = CASE_INSENSITIVE"
                + " INCLUDE_METADATA = (_file_key = METADATA$FILENAME) FORCE = TRUE ON_ERROR = ABORT_STATEMENT");
    assertThat(tx.get(2))
        .isEqualTo(
            "UPDATE raw_learner_activity SET _batch_id = '"
                + id
                + "' WHERE _batch_id IS NULL AND _file_key IN ('"
                + k1
                + "', '"
                + k2
                + "')");
    assertThat(tx.get(3))
        .isEqualTo(
            "SELECT COUNT(*) FROM (SELECT * FROM raw_learner_activity WHERE _batch_id = '"
                + id
                + "') b");
    assertThat(tx.get(4))
        .startsWith("INSERT INTO load_quarantine")
        .contains("TO_TIMESTAMP_NTZ('2026-11-24 10:15:30.123')");
    assertThat(tx.get(5)).startsWith("SELECT COUNT(*), COUNT(t.activity_id)");
    String merge = tx.get(6);
    assertThat(merge)
        .startsWith(
            "MERGE INTO analytics_ready t USING (SELECT activity_id, learner_id, updated_at")
        .contains(
            "QUALIFY ROW_NUMBER() OVER (PARTITION BY activity_id ORDER BY updated_at DESC, _kafka_partition DESC, _kafka_offset DESC) = 1")
        .contains(
            "WHEN MATCHED AND (s.updated_at > t.updated_at OR (s.updated_at = t.updated_at AND (s._kafka_partition > t._kafka_partition")
        .contains("batch_id = '" + id + "'")
        .doesNotContain("_file_key, _batch_id");
    assertThat(tx.get(7)).isEqualTo("BATCH " + MergeStatement.LEDGER_INSERT);
    assertThat(tx.get(8)).isEqualTo(MergeStatement.BATCH_INSERT);
    assertThat(log.get(log.indexOf("COMMIT") + 2))
        .startsWith("SELECT COUNT(*) FROM load_ledger WHERE batch_id = ?");
    assertThat(result.rowsInserted()).isEqualTo(15);
    assertThat(result.rowsUpdated()).isEqualTo(3);
    assertThat(result.rowsUnchanged()).isEqualTo(2);
  }

  @Test
  void aForcedReloadSkipsNoFileAndReplacesTheLedgerRows() throws Exception {
    String k1 = "bronze/learner_activity/dt=2026-11-24/t+0+00000000000000000000.parquet";
    RecordingConnection recording =
        new RecordingConnection(
            sql ->
                sql.startsWith("SELECT COUNT(*) FROM load_ledger")
                    ? List.<Object[]>of(new Object[] {1L})
                    : sql.startsWith("SELECT COUNT(*)")
                        ? List.<Object[]>of(new Object[] {0L, 0L, 0L, null})
                        : sql.startsWith("SELECT file_key")
                            ? List.<Object[]>of(new Object[] {k1})
                            : List.of(),
            RAW);
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
        .hasMessageContaining("characters a Bronze key never has");
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
