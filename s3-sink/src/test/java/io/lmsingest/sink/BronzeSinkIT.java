package io.lmsingest.sink;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lmsingest.kit.alert.AlertSender;
import io.lmsingest.localstack.S3Faults;
import io.lmsingest.serde.RegistrySerdeConfig;
import io.lmsingest.testkit.IntegrationTest;
import io.lmsingest.testkit.KafkaFixture;
import io.lmsingest.testkit.RegistryFixture;
import io.lmsingest.testkit.S3Fixture;
import io.lmsingest.testkit.WarehouseFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

@IntegrationTest
class BronzeSinkIT {
  static final int RECORDS = Integer.getInteger("lms.it.sink.records", 300_000);

  @Test
  void crashedAndRestartedTheSinkStillWritesEveryOffsetExactlyOnceWithOneManifestPerFile(
      KafkaFixture kafka,
      RegistryFixture registry,
      S3Fixture s3,
      WarehouseFixture warehouse,
      @TempDir Path dir)
      throws Exception {
    String topic = kafka.createTopic("v1", 6);
    String manifestTopic = kafka.createTopic("manifests", 1);
    String bucket = s3.newBucket();
    String group = "sink-" + UUID.randomUUID();
    Map<String, Object> serde = Map.of(RegistrySerdeConfig.SCHEMA_REGISTRY_URL, registry.url());

    BronzeAudit.fillV1(kafka, registry, topic, RECORDS, 41);

    Random random = new Random(5);
    long started = System.nanoTime();
    long adoptedDuringCrashes = 0;
    for (int crash = 0; crash < 12; crash++) {
      BronzeSink sink = sink(kafka, registry, s3, bucket, topic, manifestTopic, group, dir);
      Thread thread = new Thread(sink::run, "sink-" + crash);
      thread.start();
      Thread.sleep(300 + random.nextInt(700));
      sink.stop(); // lands wherever the loop is: mid-file, or between upload/manifest and the
      // commit
      thread.join(30_000);
      sink.close();
      adoptedDuringCrashes += sink.metrics().get("lms_sink_files_adopted_total");
    }
    BronzeSink last = sink(kafka, registry, s3, bucket, topic, manifestTopic, group, dir);
    Thread thread = new Thread(last::run, "sink-final");
    thread.start();
    kafka.awaitCommittedToEnd(group, topic, Duration.ofMinutes(4));
    long millis = (System.nanoTime() - started) / 1_000_000;
    last.stop();
    thread.join(30_000);
    last.close();
    System.out.printf(
        "sink: %d records with 12 crashes in %d ms; %d files adopted after crashes%n",
        RECORDS, millis, adoptedDuringCrashes);

    Set<String> expected = BronzeAudit.offsetsOf(kafka, topic, RECORDS);
    int objectsBefore = BronzeAudit.assertExactlyOnce(s3, warehouse, bucket, expected, dir);
    long manifestsBefore =
        s3
            .client()
            .listObjectsV2Paginator(b -> b.bucket(bucket).prefix("manifests/"))
            .contents()
            .stream()
            .count();

    // Replay: reset the group to the beginning and run again. Every file is found and adopted;
    // Bronze and the manifests stay exactly as they are.
    kafka
        .admin()
        .alterConsumerGroupOffsets(
            group,
            expected.stream()
                .map(po -> Integer.parseInt(po.split("/")[0]))
                .distinct()
                .collect(
                    Collectors.toMap(
                        p -> new TopicPartition(topic, p), p -> new OffsetAndMetadata(0))))
        .all()
        .get();
    BronzeSink replay = sink(kafka, registry, s3, bucket, topic, manifestTopic, group, dir);
    Thread replayThread = new Thread(replay::run, "sink-replay");
    replayThread.start();
    kafka.awaitCommittedToEnd(group, topic, Duration.ofMinutes(4));
    replay.stop();
    replayThread.join(30_000);
    replay.close();
    assertThat(replay.metrics().get("lms_sink_files_total"))
        .as("nothing new written on replay")
        .isZero();
    assertThat(replay.metrics().get("lms_sink_files_adopted_total")).isEqualTo(objectsBefore);
    assertThat(
            s3
                .client()
                .listObjectsV2Paginator(b -> b.bucket(bucket).prefix("bronze/"))
                .contents()
                .stream()
                .count())
        .isEqualTo(objectsBefore);
    assertThat(
            s3
                .client()
                .listObjectsV2Paginator(b -> b.bucket(bucket).prefix("manifests/"))
                .contents()
                .stream()
                .count())
        .isEqualTo(manifestsBefore);
  }

  @Test
  void twoInstancesInOneGroupWithOneRepeatedlyRestartedStillWriteEveryOffsetExactlyOnce(
      KafkaFixture kafka,
      RegistryFixture registry,
      S3Fixture s3,
      WarehouseFixture warehouse,
      @TempDir Path dir)
      throws Exception {
    int records = RECORDS / 2;
    String topic = kafka.createTopic("v1", 6);
    String manifestTopic = kafka.createTopic("manifests", 1);
    String bucket = s3.newBucket();
    String group = "sink-" + UUID.randomUUID();
    // The topic fills in rounds while the instances run, so partitions move while data is flowing.
    CompletableFuture<Void> filled =
        CompletableFuture.runAsync(
            () -> {
              for (int round = 0; round < 10; round++) {
                BronzeAudit.fillV1(kafka, registry, topic, records / 10, 43 + round);
                try {
                  Thread.sleep(1_000);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  return;
                }
              }
            });

    BronzeSink steady =
        sink(kafka, registry, s3, bucket, topic, manifestTopic, group, dir.resolve("a"));
    Thread steadyThread = new Thread(steady::run, "sink-steady");
    steadyThread.start();
    Random random = new Random(9);
    long flappingFiles = 0;
    int flappingAssignments = 0;
    int restarts = 0;
    while (restarts < 8 || !filled.isDone()) {
      BronzeSink flapping =
          sink(kafka, registry, s3, bucket, topic, manifestTopic, group, dir.resolve("b"));
      Thread thread = new Thread(flapping::run, "sink-flapping-" + restarts);
      thread.start();
      long assignedBy = System.nanoTime() + 20_000_000_000L;
      while (flapping.metrics().get("lms_sink_assigned_partitions") == 0
          && System.nanoTime() < assignedBy) {
        Thread.sleep(50); // a loaded machine may take seconds to rebalance
      }
      if (flapping.metrics().get("lms_sink_assigned_partitions") > 0) {
        flappingAssignments++;
      }
      Thread.sleep(1_500 + random.nextInt(2_000)); // long enough to write some files
      flapping.stop();
      thread.join(30_000);
      flapping.close();
      flappingFiles +=
          flapping.metrics().get("lms_sink_files_total")
              + flapping.metrics().get("lms_sink_files_adopted_total");
      restarts++;
    }
    filled.get();
    kafka.awaitCommittedToEnd(group, topic, Duration.ofMinutes(4));
    steady.stop();
    steadyThread.join(30_000);
    steady.close();
    assertThat(steadyThread.isAlive()).isFalse();
    System.out.printf(
        "two sinks: %d restarts of the flapping instance, assigned in %d of them, %d files written by it%n",
        restarts, flappingAssignments, flappingFiles);
    assertThat(flappingAssignments)
        .as("the flapping instance really owned partitions, again and again")
        .isGreaterThanOrEqualTo(3);
    assertThat(steady.metrics().get("lms_sink_files_total")).isPositive();
    BronzeAudit.assertExactlyOnce(
        s3, warehouse, bucket, BronzeAudit.offsetsOf(kafka, topic, records), dir);
  }

  @Test
  void s3FaultsNeverLetTheCommittedOffsetPassNonDurableDataAndTheSinkRecoversByItself(
      KafkaFixture kafka,
      RegistryFixture registry,
      S3Fixture s3,
      WarehouseFixture warehouse,
      @TempDir Path dir)
      throws Exception {
    int records = RECORDS / 3;
    String topic = kafka.createTopic("v1", 6);
    String manifestTopic = kafka.createTopic("manifests", 1);
    String bucket = s3.newBucket();
    String group = "sink-" + UUID.randomUUID();
    BronzeAudit.fillV1(kafka, registry, topic, records, 47);
    Set<String> expected = BronzeAudit.offsetsOf(kafka, topic, records);
    Map<Integer, TreeSet<Long>> realOffsets = new HashMap<>();
    expected.forEach(
        po ->
            realOffsets
                .computeIfAbsent(Integer.parseInt(po.split("/")[0]), p -> new TreeSet<>())
                .add(Long.parseLong(po.split("/")[1])));

    // 500s before and after the object is stored, 412s for objects that are not there, 400 ms
    // stalls.
    // First every write fails, so at least one round fails past the SDK's retries (with the mixed
    // plan alone, retries and adoption once carried every upload through); then the mixed plan.
    s3.faults().inject(bucket, new S3Faults.Plan(1.0, 0, 0, 0, 0));
    long faultsBefore =
        Arrays.stream(S3Faults.Kind.values()).mapToLong(k -> s3.faults().injected(k)).sum();
    BronzeSink sink = sink(kafka, registry, s3, bucket, topic, manifestTopic, group, dir);
    Thread thread = new Thread(sink::run, "sink-faults");
    thread.start();
    long failing = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (sink.metrics().get("lms_sink_failures_total") == 0) {
      assertThat(System.nanoTime()).as("no upload round failed under S3 down").isLessThan(failing);
      Thread.sleep(100);
    }
    s3.faults().inject(bucket, new S3Faults.Plan(0.3, 0.15, 0.1, 0.1, 400));

    // While it runs: every committed offset must be covered by a manifest already in S3.
    List<String> violations = new CopyOnWriteArrayList<>();
    int samples = 0;
    ObjectMapper json = new ObjectMapper();
    long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
    while (true) {
      Map<TopicPartition, OffsetAndMetadata> committed =
          kafka.admin().listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
      Map<Integer, List<long[]>> covered = new HashMap<>();
      for (S3Object m :
          s3.client()
              .listObjectsV2Paginator(b -> b.bucket(bucket).prefix("manifests/"))
              .contents()) {
        String manifest;
        try {
          manifest =
              s3.client().getObjectAsBytes(b -> b.bucket(bucket).key(m.key())).asUtf8String();
        } catch (NoSuchKeyException e) {
          // Listed while a put was failing under the injected faults, gone by now: never durable,
          // so
          // it covers nothing (a commit that relied on it shows up below as a violation).
          continue;
        }
        for (JsonNode f : json.readTree(manifest).get("files")) {
          covered
              .computeIfAbsent(f.get("partition").asInt(), p -> new ArrayList<>())
              .add(new long[] {f.get("start_offset").asLong(), f.get("end_offset").asLong()});
        }
      }
      boolean atEnd = true;
      for (Map.Entry<TopicPartition, OffsetAndMetadata> e : committed.entrySet()) {
        int partition = e.getKey().partition();
        Long lastBelow = realOffsets.get(partition).lower(e.getValue().offset());
        if (lastBelow != null
            && covered.getOrDefault(partition, List.of()).stream()
                .noneMatch(r -> r[0] <= lastBelow && lastBelow <= r[1])) {
          violations.add(
              "partition "
                  + partition
                  + " committed "
                  + e.getValue().offset()
                  + " but offset "
                  + lastBelow
                  + " is in no manifest");
        }
        atEnd &= e.getValue().offset() > realOffsets.get(partition).last();
      }
      samples++;
      if (committed.size() == 6 && atEnd) {
        break;
      }
      assertThat(thread.isAlive()).as("the sink gave up instead of recovering").isTrue();
      assertThat(System.nanoTime())
          .as("the sink did not catch up under faults")
          .isLessThan(deadline);
      Thread.sleep(200);
    }
    s3.faults().clear(bucket);
    sink.stop();
    thread.join(30_000);
    sink.close();

    assertThat(violations).isEmpty();
    assertThat(samples).isGreaterThan(5);
    long faultsInjected =
        Arrays.stream(S3Faults.Kind.values()).mapToLong(k -> s3.faults().injected(k)).sum()
            - faultsBefore;
    assertThat(faultsInjected).isGreaterThan(10);
    assertThat(sink.metrics().get("lms_sink_failures_total"))
        .as("some uploads failed past the SDK's retries")
        .isPositive();
    assertThat(sink.metrics().get("lms_sink_files_adopted_total"))
        .as("stored-then-500 objects were adopted")
        .isPositive();
    BronzeAudit.assertExactlyOnce(s3, warehouse, bucket, expected, dir);
  }

  /**
   * A sink built the way the service builds it: from its config (S3 keys as file: secret
   * references).
   */
  static BronzeSink sink(
      KafkaFixture kafka,
      RegistryFixture registry,
      S3Fixture s3,
      String bucket,
      String topic,
      String manifestTopic,
      String group,
      Path dir,
      AlertSender... alerts)
      throws Exception {
    Files.createDirectories(dir);
    Path keyId = Files.writeString(dir.resolve("s3-key-id"), s3.endpoint().accessKeyId());
    Path secret = Files.writeString(dir.resolve("s3-secret"), s3.endpoint().secretAccessKey());
    Map<String, Object> values = new HashMap<>();
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
    values.put(SinkConfig.MAX_RECORDS, "10000");
    values.put(SinkConfig.MAX_AGE_MS, "1000");
    values.put(SinkConfig.ROW_GROUP_BYTES, Long.toString(4L << 20));
    return SinkApp.create(new SinkConfig(values), Clock.systemUTC(), alerts);
  }
}
