package io.lmsingest.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.lmsingest.testkit.IntegrationTest;
import io.lmsingest.testkit.KafkaFixture;
import io.lmsingest.testkit.RegistryFixture;
import io.lmsingest.testkit.S3Fixture;
import io.lmsingest.testkit.ServiceUnderTest;
import io.lmsingest.testkit.WarehouseFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sink as its own process at -Xmx256m, killed with SIGKILL at random moments and restarted. */
@IntegrationTest
class SinkCrashIT {
  /** The line the committer logs for every file made durable. */
  static final String FILE_DURABLE = "bronze file ";

  static final int RECORDS = Integer.getInteger("lms.it.sink.crash.records", 2_000_000);
  static final int PARTITIONS = 6;

  @Test
  void killedHardTwentyTimesBronzeStillHoldsEveryOffsetOnceAndEveryObjectHasItsManifest(
      KafkaFixture kafka,
      RegistryFixture registry,
      S3Fixture s3,
      WarehouseFixture warehouse,
      @TempDir Path dir)
      throws Exception {
    String topic = kafka.createTopic("v1", PARTITIONS);
    String manifestTopic = kafka.createTopic("manifests", 1);
    String bucket = s3.newBucket();
    String group = "sink-" + UUID.randomUUID();
    long fillStarted = System.nanoTime();
    BronzeAudit.fillV1(kafka, registry, topic, RECORDS, 53);
    System.out.printf(
        "sink crash test: %d records produced in %d ms%n",
        RECORDS, (System.nanoTime() - fillStarted) / 1_000_000);

    Map<String, String> values = new HashMap<>();
    Path keyId = Files.writeString(dir.resolve("s3-key-id"), s3.endpoint().accessKeyId());
    Path secret = Files.writeString(dir.resolve("s3-secret"), s3.endpoint().secretAccessKey());
    values.put(SinkConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
    values.put(SinkConfig.REGISTRY_URL, registry.url());
    values.put(SinkConfig.GROUP_ID, group);
    values.put(SinkConfig.TOPIC, topic);
    values.put(SinkConfig.MANIFEST_TOPIC, manifestTopic);
    values.put(SinkConfig.BUCKET, bucket);
    values.put(SinkConfig.ENDPOINT, s3.endpoint().uri().toString());
    values.put(SinkConfig.PATH_STYLE, "true");
    values.put(SinkConfig.ACCESS_KEY_ID, "file:" + keyId);
    values.put(SinkConfig.SECRET_ACCESS_KEY, "file:" + secret);
    values.put(SinkConfig.STAGING_DIR, dir.resolve("staging").toString());
    values.put(SinkConfig.MAX_RECORDS, "20000");
    values.put(SinkConfig.MAX_AGE_MS, "2000");
    // Static membership: a restarted instance takes its partitions back at once instead of waiting
    // for the killed member's session to time out.
    values.put("kafka.group.instance.id", "sink-crash-1");
    values.put("kafka.session.timeout.ms", "15000");
    Path config = ServiceUnderTest.writeConfig(dir.resolve("sink.properties"), values);
    Path log = dir.resolve("sink.log");

    Random random = new Random(11);
    long started = System.nanoTime();
    int kills = 0;
    while (kills < 20 && !kafka.isCaughtUp(group, topic)) {
      try (ServiceUnderTest sink = ServiceUnderTest.start(SinkApp.class, config, log, "-Xmx256m")) {
        sink.awaitNext(FILE_DURABLE, Duration.ofSeconds(90)); // kill only while it is writing
        Thread.sleep(random.nextInt(2_500));
        assertThat(sink.isAlive()).as("sink exited on its own: %s", sink.tail()).isTrue();
        sink.kill(); // SIGKILL: no shutdown hook, files half written, uploads half done
        kills++;
      }
    }
    long filesDuringKills = ServiceUnderTest.linesWith(log, FILE_DURABLE);
    assertThat(filesDuringKills).as("files made durable between kills").isGreaterThan(20);
    long millis;
    try (ServiceUnderTest finisher =
        ServiceUnderTest.start(SinkApp.class, config, log, "-Xmx256m")) {
      long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
      while (!kafka.isCaughtUp(group, topic)) {
        assertThat(finisher.isAlive()).as("sink died: %s", finisher.tail()).isTrue();
        assertThat(System.nanoTime())
            .as("sink did not catch up: %s", finisher.tail())
            .isLessThan(deadline);
        Thread.sleep(500);
      }
      millis = (System.nanoTime() - started) / 1_000_000;
      assertThat(finisher.stop()).isIn(0, 143);
    }

    String logText = Files.readString(log, StandardCharsets.UTF_8);
    long adoptions = logText.lines().filter(l -> l.contains("(adopted: already durable)")).count();
    System.out.printf(
        "sink crash test: %d records, %d SIGKILLs, %d files durable between kills, caught up in %d ms,"
            + " %d objects adopted after kills%n",
        RECORDS, kills, filesDuringKills, millis, adoptions);
    assertThat(kills).as("killed mid-run").isGreaterThanOrEqualTo(10);
    assertThat(logText).doesNotContain("OutOfMemoryError");
    // Half-written Parquet files of killed processes are removed when the next one starts: only the
    // last (stopped) process's own directory is left.
    assertThat(logText).contains("which is gone");
    try (var left = Files.list(dir.resolve("staging"))) {
      assertThat(left.toList()).hasSizeLessThanOrEqualTo(1);
    }

    Set<String> expected = BronzeAudit.offsetsOf(kafka, topic, RECORDS);
    BronzeAudit.assertExactlyOnce(s3, warehouse, bucket, expected, dir);
  }
}
