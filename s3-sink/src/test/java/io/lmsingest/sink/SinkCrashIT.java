package io.lmsingest.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.lmsingest.testkit.IntegrationTest;
import io.lmsingest.testkit.KafkaFixture;
import io.lmsingest.testkit.RegistryFixture;
import io.lmsingest.testkit.S3Fixture;
import io.lmsingest.testkit.WarehouseFixture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sink as its own process at -Xmx256m, killed with SIGKILL at random moments and restarted. */
@IntegrationTest
class SinkCrashIT {
  static final int RECORDS = Integer.getInteger("lms.it.sink.crash.records", 2_000_000);
  static final int PARTITIONS = 6;

  @Test
  void killedHardTwentyTimesBronzeStillHoldsEveryOffsetOnceAndEveryObjectHasItsManifest(
      KafkaFixture kafka, RegistryFixture registry, S3Fixture s3, WarehouseFixture warehouse, @TempDir Path dir) throws Exception {
    String topic = kafka.createTopic("v1", PARTITIONS);
    String manifestTopic = kafka.createTopic("manifests", 1);
    String bucket = s3.newBucket();
    String group = "sink-" + UUID.randomUUID();
    long fillStarted = System.nanoTime();
    BronzeAudit.fillV1(kafka, registry, topic, RECORDS, 53);
    System.out.printf("sink crash test: %d records produced in %d ms%n", RECORDS, (System.nanoTime() - fillStarted) / 1_000_000);

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
    Path config = Files.writeString(dir.resolve("sink.properties"),
        values.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("\n")));
    Path log = dir.resolve("sink.log");

    Random random = new Random(11);
    long started = System.nanoTime();
    int kills = 0;
    while (kills < 20 && !caughtUp(kafka, group, topic)) {
      Process sink = start(config, log);
      awaitInLog(log, "sink file", linesWith(log, "sink file") + 1, sink); // kill only while it is writing
      Thread.sleep(random.nextInt(2_500));
      assertThat(sink.isAlive()).as("sink exited on its own: %s", tail(log)).isTrue();
      sink.destroyForcibly().waitFor(); // SIGKILL: no shutdown hook, files half written, uploads half done
      kills++;
    }
    long filesDuringKills = linesWith(log, "sink file");
    assertThat(filesDuringKills).as("files made durable between kills").isGreaterThan(20);
    Process finisher = start(config, log);
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    while (!caughtUp(kafka, group, topic)) {
      assertThat(finisher.isAlive()).as("sink died: %s", tail(log)).isTrue();
      assertThat(System.nanoTime()).as("sink did not catch up: %s", tail(log)).isLessThan(deadline);
      Thread.sleep(500);
    }
    long millis = (System.nanoTime() - started) / 1_000_000;
    finisher.destroy();
    assertThat(finisher.waitFor()).isIn(0, 143);

    String logText = Files.readString(log, StandardCharsets.UTF_8);
    long adoptions = logText.lines().filter(l -> l.contains("(adopted: already durable)")).count();
    System.out.printf("sink crash test: %d records, %d SIGKILLs, %d files durable between kills, caught up in %d ms,"
        + " %d objects adopted after kills%n", RECORDS, kills, filesDuringKills, millis, adoptions);
    assertThat(kills).as("killed mid-run").isGreaterThanOrEqualTo(10);
    assertThat(logText).doesNotContain("OutOfMemoryError");

    Set<String> expected = BronzeAudit.offsetsOf(kafka, topic, RECORDS);
    BronzeAudit.assertExactlyOnce(s3, warehouse, bucket, expected, dir);
  }

  static long linesWith(Path log, String marker) throws IOException {
    return Files.exists(log) ? Files.readAllLines(log).stream().filter(l -> l.contains(marker)).count() : 0;
  }

  /** Waits until {@code log} holds {@code n} lines with {@code marker}. */
  static void awaitInLog(Path log, String marker, long n, Process process) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (linesWith(log, marker) < n) {
      assertThat(process.isAlive()).as("exited on its own: %s", tail(log)).isTrue();
      assertThat(System.nanoTime()).as("no '%s' within 90 s: %s", marker, tail(log)).isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  static Process start(Path config, Path log) throws IOException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:+ExitOnOutOfMemoryError",
        "-cp", System.getProperty("java.class.path"),
        SinkApp.class.getName(), config.toString()));
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .start();
  }

  /** Every partition's committed offset is at its end (the sink commits past trailing transaction markers). */
  static boolean caughtUp(KafkaFixture kafka, String group, String topic) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> committed = kafka.admin().listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
    if (committed.size() < PARTITIONS) {
      return false;
    }
    Map<TopicPartition, OffsetSpec> latest = committed.keySet().stream().collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest()));
    var ends = kafka.admin().listOffsets(latest).all().get();
    return committed.entrySet().stream().allMatch(e -> e.getValue().offset() >= ends.get(e.getKey()).offset());
  }

  static String tail(Path log) throws IOException {
    List<String> lines = Files.readAllLines(log);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
  }
}
