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
import io.lmsingest.testkit.IntegrationTest;
import io.lmsingest.testkit.KafkaFixture;
import io.lmsingest.testkit.RegistryFixture;
import io.lmsingest.testkit.S3Fixture;
import io.lmsingest.testkit.ServiceUnderTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The loader as its own process, following the manifest topic, killed with SIGKILL at random
 * moments and restarted: on the default (merging straight from the staged files) and with {@code
 * duckdb.raw.keep}, where RAW must also hold whole batches only.
 */
@IntegrationTest
class LoaderCrashIT {
  /** The line the loader logs for every batch it commits. */
  static final String BATCH_LOADED = "loader batch";

  static final int RECORDS = Integer.getInteger("lms.it.loader.crash.records", 400_000);

  @ParameterizedTest(name = "duckdb.raw.keep={0}")
  @ValueSource(booleans = {false, true})
  void killedHardTwentyTimesNoPartialBatchIsEverVisibleAndTheTableEndsExact(
      boolean keepRaw,
      KafkaFixture kafka,
      RegistryFixture registry,
      S3Fixture s3,
      @TempDir Path dir)
      throws Exception {
    String bucket = s3.newBucket();
    String topic = kafka.createTopic("manifests", 1);
    ActivityTimeline timeline = BronzeFixture.timeline(83);
    List<BronzeManifest> manifests =
        BronzeFixture.write(
            s3,
            bucket,
            dir.resolve("bronze"),
            timeline,
            0,
            RECORDS,
            6,
            2_500,
            new long[6],
            LearnerActivity.getClassSchema());
    RegistryAvroSerializer<BronzeManifest> serializer = new RegistryAvroSerializer<>();
    serializer.configure(Map.of(RegistrySerdeConfig.SCHEMA_REGISTRY_URL, registry.url()), false);
    try (KafkaProducer<String, BronzeManifest> producer =
        new KafkaProducer<>(kafka.producerConfig(), new StringSerializer(), serializer)) {
      for (BronzeManifest m : manifests) {
        producer.send(new ProducerRecord<>(topic, m.getBatchId(), m));
      }
    }
    Path truth = dir.resolve("truth.parquet");
    GroundTruth.write(timeline, RECORDS, truth);

    Path database = dir.resolve("warehouse.duckdb");
    Map<String, String> values =
        BronzeFixture.loaderConfig(kafka, registry, topic, s3, bucket, database, dir);
    String group = values.get(LoaderConfig.GROUP_ID);
    values.put(
        LoaderConfig.MAX_FILES, "6"); // many small batches: many moments to be killed inside one
    values.put(LoaderConfig.DUCKDB_RAW_KEEP, Boolean.toString(keepRaw));
    values.put("kafka.group.instance.id", "loader-crash-" + keepRaw);
    values.put("kafka.session.timeout.ms", "15000");
    Path config = ServiceUnderTest.writeConfig(dir.resolve("loader.properties"), values);
    Path log = dir.resolve("loader.log");

    Random random = new Random(13);
    int kills = 0;
    int batchesSeen = 0;
    while (kills < 20 && !kafka.isCaughtUp(group, topic)) {
      long started = System.nanoTime();
      try (ServiceUnderTest loader =
          ServiceUnderTest.start(LoaderApp.class, config, log, "-Xmx256m")) {
        loader.awaitNext(BATCH_LOADED, Duration.ofSeconds(90)); // kill only while it is loading
        if (kills == 0) {
          System.out.printf(
              "loader crash test: first batch %d ms after launch%n",
              (System.nanoTime() - started) / 1_000_000);
        }
        Thread.sleep(random.nextInt(2_500));
        assertThat(loader.isAlive()).as("loader exited on its own: %s", loader.tail()).isTrue();
        loader.kill();
        kills++;
      }
      batchesSeen = assertNoPartialBatch(database, keepRaw);
    }
    assertThat(batchesSeen).as("batches committed between kills").isPositive();
    try (ServiceUnderTest finisher =
        ServiceUnderTest.start(LoaderApp.class, config, log, "-Xmx256m")) {
      long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
      while (!kafka.isCaughtUp(group, topic)) {
        assertThat(finisher.isAlive()).as("loader died: %s", finisher.tail()).isTrue();
        assertThat(System.nanoTime())
            .as("loader did not catch up: %s", finisher.tail())
            .isLessThan(deadline);
        Thread.sleep(500);
      }
      assertThat(finisher.stop()).isIn(0, 143);
    }
    System.out.printf(
        "loader crash test: %d changes, %d manifests, %d SIGKILLs (%d batches committed before the last one)%n",
        RECORDS, manifests.size(), kills, batchesSeen);
    assertThat(kills).isGreaterThanOrEqualTo(5);

    assertNoPartialBatch(database, keepRaw);
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + database)) {
      GroundTruthCheck.Result result = GroundTruthCheck.compare(c, truth);
      assertThat(result.exact()).as("%s", result).isTrue();
      assertThat(count(c, "SELECT COUNT(*) FROM load_ledger"))
          .as("every file merged exactly once")
          .isEqualTo(manifests.size());
      assertThat(count(c, "SELECT COUNT(DISTINCT file_key) FROM load_ledger"))
          .isEqualTo(manifests.size());
      if (keepRaw) {
        assertThat(count(c, "SELECT COUNT(*) FROM raw_learner_activity"))
            .as("RAW keeps every version of every file once")
            .isEqualTo(RECORDS);
      }
    }
    assertThat(Files.readString(log)).doesNotContain("OutOfMemoryError");
  }

  /**
   * A reader opening the warehouse after a kill sees whole batches only. Returns the number of
   * committed batches.
   */
  static int assertNoPartialBatch(Path database, boolean keepRaw) throws Exception {
    if (!Files.exists(database)) {
      return 0;
    }
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + database)) {
      if (count(
              c, "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 'load_batches'")
          == 0) {
        return 0;
      }
      if (keepRaw) {
        assertThat(
                count(
                    c,
                    "SELECT COUNT(*) FROM (SELECT _batch_id, COUNT(*) n FROM raw_learner_activity GROUP BY _batch_id) r"
                        + " FULL OUTER JOIN (SELECT batch_id, SUM(row_count) n FROM load_ledger GROUP BY batch_id) l"
                        + " ON r._batch_id = l.batch_id WHERE r.n IS DISTINCT FROM l.n"))
            .as(
                "RAW rows of every batch = its ledger's row counts, and no RAW rows without a ledger")
            .isZero();
      } else {
        assertThat(count(c, "SELECT COUNT(*) FROM raw_learner_activity"))
            .as("the default loader merges from the staged files and copies nothing into RAW")
            .isZero();
      }
      assertThat(
              count(
                  c,
                  "SELECT COUNT(*) FROM load_ledger l WHERE NOT EXISTS (SELECT 1 FROM load_batches b WHERE b.batch_id = l.batch_id)"))
          .isZero();
      assertThat(
              count(
                  c,
                  "SELECT COUNT(*) FROM analytics_ready a WHERE NOT EXISTS (SELECT 1 FROM load_batches b WHERE b.batch_id = a.batch_id)"))
          .isZero();
      return (int) count(c, "SELECT COUNT(*) FROM load_batches");
    }
  }
}
