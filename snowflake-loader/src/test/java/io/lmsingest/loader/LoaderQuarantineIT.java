package io.lmsingest.loader;

import static io.lmsingest.loader.DuckDbLoaderIT.count;
import static org.assertj.core.api.Assertions.assertThat;

import io.lmsingest.loader.warehouse.GroundTruthCheck;
import io.lmsingest.schemas.BronzeManifest;
import io.lmsingest.schemas.LearnerActivity;
import io.lmsingest.serde.RegistryAvroSerializer;
import io.lmsingest.serde.RegistrySerdeConfig;
import io.lmsingest.simulator.timeline.ActivityTimeline;
import io.lmsingest.simulator.truth.GroundTruth;
import io.lmsingest.testkit.AlertReceivers;
import io.lmsingest.testkit.AwsApiFixture;
import io.lmsingest.testkit.IntegrationTest;
import io.lmsingest.testkit.KafkaFixture;
import io.lmsingest.testkit.RegistryFixture;
import io.lmsingest.testkit.S3Fixture;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * A Bronze file that can never load is set aside with its reason and an alert instead of holding
 * every batch behind it; at the next start the loader reconciles S3's manifests with the ledger and
 * loads what is missing: the set-aside file once fixed, and manifests the topic never held.
 */
@IntegrationTest
class LoaderQuarantineIT {

  @Test
  void aFileThatNeverLoadsIsSetAsideAndAReconcileAtStartLoadsItOnceFixedWithWhatTheTopicLacks(
      KafkaFixture kafka,
      RegistryFixture registry,
      S3Fixture s3,
      AwsApiFixture aws,
      @TempDir Path dir)
      throws Exception {
    String bucket = s3.newBucket();
    String topic = kafka.createTopic("manifests", 1);
    ActivityTimeline timeline = BronzeFixture.timeline(91);
    int records = 16_000;
    List<BronzeManifest> manifests =
        BronzeFixture.write(
            s3,
            bucket,
            dir.resolve("bronze"),
            timeline,
            0,
            records,
            2,
            2_000,
            new long[2],
            LearnerActivity.getClassSchema());
    assertThat(manifests).hasSizeGreaterThanOrEqualTo(8);
    // The last two manifests never reach the topic (as if retention had deleted them).
    List<BronzeManifest> published = manifests.subList(0, manifests.size() - 2);
    publish(kafka, registry, topic, published);
    // One object no longer matches its manifest: it can never load as it is.
    String broken = manifests.get(1).getFiles().get(0).getKey();
    byte[] original = s3.client().getObjectAsBytes(b -> b.bucket(bucket).key(broken)).asByteArray();
    s3.client()
        .putObject(
            b -> b.bucket(bucket).key(broken),
            RequestBody.fromString("not the Parquet file the manifest names"));

    Path database = dir.resolve("warehouse.duckdb");
    try (AlertReceivers alerts = new AlertReceivers(aws, dir)) {
      Map<String, String> values =
          BronzeFixture.loaderConfig(kafka, registry, topic, s3, bucket, database, dir);
      values.putAll(alerts.config());
      values.put(LoaderConfig.MAX_ATTEMPTS, "2");
      values.put(LoaderConfig.RECONCILE_WINDOW_HOURS, "0"); // first: the topic alone
      String group = values.get(LoaderConfig.GROUP_ID);

      // 1. Every published manifest but the broken one loads; the broken one is set aside.
      LoaderService first = LoaderApp.create(new LoaderConfig(values));
      runUntil(first, () -> kafka.isCaughtUp(group, topic));
      assertThat(first.metrics().get("lms_loader_files_quarantined_total")).isEqualTo(1);
      assertThat(alerts.slack())
          .anySatisfy(a -> assertThat(a).contains("set Bronze files aside").contains(broken));
      try (Connection c = readOnly(database)) {
        assertThat(count(c, "SELECT COUNT(*) FROM load_ledger")).isEqualTo(published.size() - 1L);
        assertThat(count(c, "SELECT COUNT(*) FROM load_ledger WHERE file_key = '" + broken + "'"))
            .isZero();
        assertThat(
                count(
                    c,
                    "SELECT COUNT(*) FROM load_quarantined_files WHERE file_key = '"
                        + broken
                        + "' AND reason LIKE '%does not match its manifest%' AND attempts = 2"))
            .isEqualTo(1);
      }

      // 2. Fixed; restarted with the reconcile on: the set-aside file and the two manifests the
      // topic never had are loaded, and the warehouse is exact.
      s3.client().putObject(b -> b.bucket(bucket).key(broken), RequestBody.fromBytes(original));
      values.put(LoaderConfig.RECONCILE_WINDOW_HOURS, "168");
      LoaderService second = LoaderApp.create(new LoaderConfig(values));
      runUntil(second, () -> second.metrics().get("lms_loader_files_total") >= 3);
      try (Connection c = readOnly(database)) {
        assertThat(count(c, "SELECT COUNT(DISTINCT file_key) FROM load_ledger"))
            .isEqualTo(manifests.size());
        assertThat(count(c, "SELECT COUNT(*) FROM load_ledger")).isEqualTo(manifests.size());
        Path truth = dir.resolve("truth.parquet");
        GroundTruth.write(timeline, records, truth);
        assertThat(GroundTruthCheck.compare(c, truth).exact()).isTrue();
      }
    }
  }

  @Test
  void manifestsThatRetentionDeletedBeforeTheyWereLoadedAreLoadedFromS3(
      KafkaFixture kafka, RegistryFixture registry, S3Fixture s3, @TempDir Path dir)
      throws Exception {
    String bucket = s3.newBucket();
    String topic = kafka.createTopic("manifests", 1);
    ActivityTimeline timeline = BronzeFixture.timeline(92);
    int records = 10_000;
    List<BronzeManifest> manifests =
        BronzeFixture.write(
            s3,
            bucket,
            dir.resolve("bronze"),
            timeline,
            0,
            records,
            2,
            2_000,
            new long[2],
            LearnerActivity.getClassSchema());
    publish(kafka, registry, topic, manifests);
    Map<String, String> values =
        BronzeFixture.loaderConfig(
            kafka, registry, topic, s3, bucket, dir.resolve("warehouse.duckdb"), dir);
    values.put(LoaderConfig.RECONCILE_WINDOW_HOURS, "0"); // only the expiry may reconcile
    String group = values.get(LoaderConfig.GROUP_ID);
    // The group had loaded the first manifest; retention then deleted the next two, unloaded.
    TopicPartition tp = new TopicPartition(topic, 0);
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      admin.alterConsumerGroupOffsets(group, Map.of(tp, new OffsetAndMetadata(1))).all().get();
      admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(3))).all().get();
    }

    LoaderService loader = LoaderApp.create(new LoaderConfig(values));
    runUntil(
        loader,
        () ->
            kafka.isCaughtUp(group, topic)
                && loader.metrics().get("lms_loader_files_total") >= manifests.size());
    try (Connection c = readOnly(dir.resolve("warehouse.duckdb"))) {
      assertThat(count(c, "SELECT COUNT(*) FROM load_ledger")).isEqualTo(manifests.size());
      Path truth = dir.resolve("truth.parquet");
      GroundTruth.write(timeline, records, truth);
      assertThat(GroundTruthCheck.compare(c, truth).exact()).isTrue();
    }
  }

  private static void publish(
      KafkaFixture kafka, RegistryFixture registry, String topic, List<BronzeManifest> manifests) {
    RegistryAvroSerializer<BronzeManifest> serializer = new RegistryAvroSerializer<>();
    serializer.configure(Map.of(RegistrySerdeConfig.SCHEMA_REGISTRY_URL, registry.url()), false);
    try (KafkaProducer<String, BronzeManifest> producer =
        new KafkaProducer<>(kafka.producerConfig(), new StringSerializer(), serializer)) {
      for (BronzeManifest m : manifests) {
        producer.send(new ProducerRecord<>(topic, m.getBatchId(), m));
      }
    }
  }

  @FunctionalInterface
  private interface Condition {
    boolean holds() throws Exception;
  }

  /** Runs the loader in this JVM until {@code done}, then stops and closes it. */
  private static void runUntil(LoaderService loader, Condition done) throws Exception {
    Thread thread = new Thread(loader::run, "loader-under-test");
    thread.start();
    try {
      long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
      while (!done.holds()) {
        assertThat(thread.isAlive()).as("loader thread ended").isTrue();
        assertThat(System.nanoTime())
            .as("loader did not get there in time (a failing batch blocks what is behind it?)")
            .isLessThan(deadline);
        Thread.sleep(200);
      }
    } finally {
      loader.stop();
      thread.join(30_000);
      loader.close();
    }
  }

  private static Connection readOnly(Path database) throws Exception {
    Properties readOnly = new Properties();
    readOnly.setProperty("duckdb.read_only", "true");
    return DriverManager.getConnection("jdbc:duckdb:" + database, readOnly);
  }
}
